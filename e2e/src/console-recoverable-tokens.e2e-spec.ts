import { randomBytes } from 'node:crypto';
import { type BrowserContext, type Page } from 'playwright-core';
import { shoot } from './support/console-shots';
import { buildConsole, type ConsoleBrowser, openConsoleBrowser } from './support/console-browser';
import { startSystem, type RunningSystem } from './support/system';

/**
 * Seed 003's flow in a real browser against the real services: the owner turns recoverable tokens on
 * in the settings, creates a token, and later, on the token's page ("In the detail view below the
 * token, click on Copy"), reveals it and copies it: the same plaintext, which the verifier accepts.
 */
describe('console: recoverable tokens', () => {
  let system: RunningSystem;
  let context: BrowserContext;
  let page: Page;
  let browser: ConsoleBrowser | undefined;
  const tenant = `console-recover-${Date.now().toString(36)}`;

  beforeAll(async () => {
    buildConsole();
    system = await startSystem({ env: { TOKEN_RECOVERY_KEY: randomBytes(32).toString('base64') } });
    browser = await openConsoleBrowser(system.issuer.url);
    context = browser.context;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: system.issuer.url });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('turns recoverable tokens on, then reveals and copies a token on its page', async () => {
    await page.goto('/console/');
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    await page.getByLabel('Tenant').fill(tenant);
    await page.getByLabel('User').fill('olga');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();

    // Settings: the owner switches recoverable tokens on.
    await page.getByRole('link', { name: 'Tenant settings' }).click();
    const toggle = page.getByRole('switch', { name: /reveal and copy them again/ });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click({ force: true });
    await page.getByText('Tokens created before it was turned on were not kept').waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await shoot(page, 'settings-recoverable');

    // Create a token: shown at creation as always.
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Token name').fill('partner-export');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const plaintext = (await dialog.getByTestId('token-plaintext').textContent())?.trim() ?? '';
    expect(plaintext).toMatch(/^lk_/);
    await dialog.getByRole('button', { name: /I have stored it/ }).click();
    await dialog.waitFor({ state: 'detached' });

    // Later, on its page: Reveal, the same token, Copy.
    await page.getByRole('link', { name: 'partner-export' }).click();
    await page.getByRole('heading', { name: 'partner-export' }).waitFor();
    expect(await page.content()).not.toContain(plaintext);
    await page.getByRole('button', { name: 'Reveal and copy' }).click();
    const revealed = (await page.getByTestId('revealed-token').textContent())?.trim();
    expect(revealed).toBe(plaintext);
    await shoot(page, 'token-revealed');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(plaintext);
    expect((await system.verifyHttp(plaintext).expect(200)).body).toMatchObject({
      valid: true,
      reason: 'OK',
    });

    // Hidden again, and never kept in the browser's storage.
    await page.getByRole('button', { name: 'Hide' }).click();
    await page.getByRole('button', { name: 'Reveal and copy' }).waitFor();
    expect(await page.content()).not.toContain(plaintext);
    const stored = await page.evaluate('JSON.stringify({ ...sessionStorage, ...localStorage })');
    expect(stored).not.toContain(plaintext);
  });
});
