import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { waitFor, withClient } from '@latchkey/testing';
import { type Page } from 'playwright-core';
import request from 'supertest';
import { buildConsole, type ConsoleBrowser, openConsoleBrowser } from './support/console-browser';
import { REPO_ROOT } from './support/run-state';
import { startSystem, type RunningSystem } from './support/system';

const SHOTS = resolve(REPO_ROOT, process.env.CONSOLE_SCREENSHOTS ?? '.local/console-screenshots');
const DAY = 86_400_000;

/**
 * Seeds 000 and 004 in a real browser against the real services: the owner finds the tokens unused for
 * 90 days, stalest first, selects two and revokes them with one confirmation; then offboards a person
 * by revoking all their live tokens at once. The verifier refuses every revoked token.
 */
describe('console: stale tokens', () => {
  let system: RunningSystem;
  let page: Page;
  let browser: ConsoleBrowser | undefined;
  const tenant = `console-stale-${Date.now().toString(36)}`;
  const tokens: Record<string, { id: string; token: string }> = {};

  const verdict = async (name: string) =>
    ((await system.verifyHttp(tokens[name].token).expect(200)).body as { reason: string }).reason;

  beforeAll(async () => {
    buildConsole();
    mkdirSync(SHOTS, { recursive: true });
    system = await startSystem();
    // Olga (who signs in below) and Leo (leaving the company) hold tokens of different ages.
    const olga = await system.adminAuth({ tenantId: tenant, userId: 'olga', role: 'owner' });
    const leo = await system.adminAuth({
      tenantId: tenant,
      userId: 'leo',
      role: 'member',
      email: `leo@${tenant}.test`,
    });
    const ages: [string, string, number, number | null][] = [
      ['billing-sync', olga, 400, 1],
      ['old-ci', olga, 300, 200],
      ['legacy-cron', olga, 250, null],
      ['leo-laptop', leo, 150, 120],
      ['leo-script', leo, 10, 2],
    ];
    for (const [name, auth, createdDaysAgo, usedDaysAgo] of ages) {
      const res = await request(system.issuer.url)
        .post('/v1/tokens')
        .set('Authorization', auth)
        .send({ name })
        .expect(201);
      tokens[name] = res.body as { id: string; token: string };
      await withClient(system.env.DATABASE_URL ?? '', (client) =>
        client.query(`UPDATE tokens SET created_at = $2, last_used_at = $3 WHERE id = $1`, [
          tokens[name].id,
          new Date(Date.now() - createdDaysAgo * DAY),
          usedDaysAgo === null ? null : new Date(Date.now() - usedDaysAgo * DAY),
        ]),
      );
    }
    browser = await openConsoleBrowser(system.issuer.url);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  const graveViolations = async () =>
    (await new AxeBuilder({ page }).analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

  const rowNames = async () =>
    (await page.getByRole('table').getByRole('link').allTextContents()).map((name) => name.trim());

  /** Waits until the table shows exactly these token names (in this order unless `sorted`). */
  const rowsBecome = (expected: string[], sorted = false) =>
    waitFor(
      async () => {
        const names = await rowNames();
        const seen = sorted ? [...names].sort() : names;
        return JSON.stringify(seen) === JSON.stringify(expected) ? seen : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: `the rows ${expected.join(', ')}` },
    );

  const choose = async (label: string, option: string) => {
    await page.getByRole('combobox', { name: label }).click();
    await page.getByRole('option', { name: option }).click();
  };

  it('finds the tokens unused for 90 days, stalest first, and revokes two with one confirmation', async () => {
    await page.goto('/console/');
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    await page.getByLabel('Tenant').fill(tenant);
    await page.getByLabel('User').fill('olga');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByRole('link', { name: 'leo-script' }).waitFor();

    await choose('Unused for', '90+ days');
    await page.getByRole('link', { name: 'billing-sync' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sort by last used' }).click();
    expect(await rowsBecome(['legacy-cron', 'old-ci', 'leo-laptop'])).toHaveLength(3);
    expect(await page.getByRole('columnheader', { name: /last used/i }).getAttribute('aria-sort')).toBe(
      'ascending',
    );

    await page.getByRole('checkbox', { name: 'Select legacy-cron' }).check();
    await page.getByRole('checkbox', { name: 'Select old-ci' }).check();
    await page.getByRole('group', { name: 'Bulk actions' }).getByText('2 selected').waitFor();
    await page.screenshot({ path: join(SHOTS, 'stale-tokens.png'), fullPage: true });
    expect(await graveViolations()).toEqual([]);

    await page.getByRole('button', { name: 'Revoke selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke 2 tokens' });
    await dialog.getByRole('list', { name: 'Tokens to revoke' }).waitFor();
    expect(await dialog.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('legacy-cron'),
      expect.stringContaining('old-ci'),
    ]);
    await page.screenshot({ path: join(SHOTS, 'stale-tokens-confirm.png'), fullPage: true });
    expect(await graveViolations()).toEqual([]);
    await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
    await page.getByText('Revoked 2 tokens').waitFor();
    await dialog.waitFor({ state: 'detached' });

    expect(await verdict('legacy-cron')).toBe('REVOKED');
    expect(await verdict('old-ci')).toBe('REVOKED');
    expect(await verdict('leo-laptop')).toBe('OK');
    expect(await verdict('billing-sync')).toBe('OK');
  });

  it('offboards a person: all their live tokens revoked with one confirmation of the count', async () => {
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('combobox', { name: 'Unused for' }).click();
    await page.getByRole('option', { name: '90+ days' }).click(); // clicking the chosen option clears it
    await page.getByRole('link', { name: 'billing-sync' }).waitFor();
    await choose('Created by', `leo@${tenant}.test`);
    expect(await rowsBecome(['leo-laptop', 'leo-script'], true)).toHaveLength(2);

    await page.getByRole('button', { name: `Revoke all 2 live tokens of leo@${tenant}.test` }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke 2 tokens' });
    await dialog.getByText(/that .*leo@.* created and that are still live/).waitFor();
    await page.screenshot({ path: join(SHOTS, 'stale-tokens-offboard.png'), fullPage: true });
    expect(await graveViolations()).toEqual([]);
    await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
    await page.getByText('Revoked 2 tokens').waitFor();

    expect(await verdict('leo-laptop')).toBe('REVOKED');
    expect(await verdict('leo-script')).toBe('REVOKED');
    expect(await verdict('billing-sync')).toBe('OK');
    await page.getByRole('button', { name: /Revoke all/ }).waitFor({ state: 'detached' });
  });
});
