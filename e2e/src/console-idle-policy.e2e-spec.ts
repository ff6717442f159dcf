import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Page } from 'playwright-core';
import request from 'supertest';
import { buildConsole, type ConsoleBrowser, openConsoleBrowser } from './support/console-browser';
import { REPO_ROOT } from './support/run-state';
import { startSystem, type RunningSystem } from './support/system';

/** Screenshots of the pages; `CONSOLE_SCREENSHOTS=docs/console` refreshes the ones the docs show. */
const SHOTS = resolve(REPO_ROOT, process.env.CONSOLE_SCREENSHOTS ?? '.local/console-screenshots');

/**
 * Issue 14 in a real browser against the real services: the owner switches the idle policy on and
 * chooses the tenant's expiry reminder days in the settings; the issuer stores them, refuses a warning
 * as long as the idle period with a problem the page shows, and the audit log records the change.
 */
describe('console: idle policy and expiry reminders', () => {
  let system: RunningSystem;
  let page: Page;
  let browser: ConsoleBrowser | undefined;
  const tenant = `console-idle-${Date.now().toString(36)}`;

  beforeAll(async () => {
    buildConsole();
    mkdirSync(SHOTS, { recursive: true });
    system = await startSystem();
    browser = await openConsoleBrowser(system.issuer.url);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  const policyOf = async () => {
    const owner = await system.adminAuth({ tenantId: tenant, userId: 'olga', role: 'owner' });
    return (await request(system.issuer.url).get('/v1/tenant/policy').set('Authorization', owner).expect(200))
      .body as Record<string, unknown>;
  };

  it('lets the owner switch the idle policy on and choose reminder days, accessibly', async () => {
    await page.goto('/console/');
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    await page.getByLabel('Tenant').fill(tenant);
    await page.getByLabel('User').fill('olga');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByRole('link', { name: 'Tenant settings' }).click();
    await page.getByRole('heading', { name: 'Unused tokens and expiry reminders' }).waitFor();

    // Off by default, with the default reminder days.
    const idle = page.getByRole('checkbox', { name: /Revoke tokens nobody uses/ });
    expect(await idle.isChecked()).toBe(false);
    const revokeAfter = page.getByLabel('Revoke after this many days unused');
    expect(await revokeAfter.isDisabled()).toBe(true);
    const defaults = page.getByRole('checkbox', { name: /default days/ });
    expect(await defaults.isChecked()).toBe(true);

    await idle.check();
    await revokeAfter.fill('60');
    await page.getByLabel('Warn this many days before').fill('10');
    await defaults.uncheck();
    await page.getByLabel('Expiry reminder days').fill('7, 60, 30');
    const save = page.getByRole('button', { name: 'Save idle policy and reminders' });
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await policyOf()).toMatchObject({
      idleRevokeAfterDays: 60,
      idleWarningDays: 10,
      expiryReminderDays: [60, 30, 7],
    });
    // Stored latest first, and shown so after a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Unused tokens and expiry reminders' }).waitFor();
    expect(await page.getByLabel('Expiry reminder days').inputValue()).toBe('60, 30, 7');
    expect(await page.getByRole('checkbox', { name: /Revoke tokens nobody uses/ }).isChecked()).toBe(true);

    const card = page.locator('.mantine-Card-root').filter({
      has: page.getByRole('heading', { name: 'Unused tokens and expiry reminders' }),
    });
    await card.screenshot({ path: join(SHOTS, 'idle-policy.png') });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => violation.id),
    ).toEqual([]);
  });

  it('shows why the issuer refuses a warning as long as the idle period, and changes nothing', async () => {
    await page.getByLabel('Warn this many days before').fill('60');
    await page.getByRole('button', { name: 'Save idle policy and reminders' }).click();
    // The problem's own title, detail and code.
    const problem = page.getByRole('alert').filter({ hasText: 'IDLE_WARNING_TOO_LONG' });
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/must come after a token becomes idle/);
    await page
      .locator('.mantine-Card-root')
      .filter({ has: page.getByRole('heading', { name: 'Unused tokens and expiry reminders' }) })
      .screenshot({ path: join(SHOTS, 'idle-policy-refused.png') });
    expect(await policyOf()).toMatchObject({ idleRevokeAfterDays: 60, idleWarningDays: 10 });

    // Malformed days are caught on the page, before any request.
    await page.getByLabel('Warn this many days before').fill('10');
    await page.getByLabel('Expiry reminder days').fill('30, soon');
    await page.getByRole('button', { name: 'Save idle policy and reminders' }).click();
    await page.getByRole('alert').filter({ hasText: 'whole numbers of days' }).waitFor();
    expect(await policyOf()).toMatchObject({ expiryReminderDays: [60, 30, 7] });

    // The change is in the audit log.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'tenant.policy_changed' }).first().waitFor({ timeout: 15_000 });
  });
});
