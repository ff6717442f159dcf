import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '@latchkey/testing';
import { buildConsole, type ConsoleBrowser, openConsoleBrowser } from './support/console-browser';
import { REPO_ROOT } from './support/run-state';
import { startSystem, type RunningSystem } from './support/system';

const SHOTS = resolve(REPO_ROOT, process.env.CONSOLE_SCREENSHOTS ?? '.local/console-screenshots');

/**
 * Verification analytics in the console (issue 14), in a real browser against the real services: the
 * token page charts the verdicts the verifiers counted (refusals included) and names the callers, and
 * the revoke dialog answers seed 004's checklist with data before its confirm button: still used, by
 * whom, and whether the replacement is in use yet.
 */
describe('console: usage and revoke impact', () => {
  let system: RunningSystem;
  let page: Page;
  let browser: ConsoleBrowser | undefined;
  const tenant = `console-usage-${Date.now().toString(36)}`;

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

  async function expectNoGraveViolations(): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(grave.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  }

  it('charts the counted verdicts on the token page and shows the impact before revoking', async () => {
    const owner = await system.adminAuth({ tenantId: tenant, userId: 'olga', role: 'owner' });
    const issuer = () => request(system.issuer.url);
    const created = await issuer()
      .post('/v1/tokens')
      .set('Authorization', owner)
      .send({ name: 'billing-sync' })
      .expect(201);
    const id = created.body.id as string;
    for (let i = 0; i < 12; i++) {
      await request(system.verifier.url)
        .post('/v1/verify')
        .send({ token: created.body.token, caller: 'billing-api' })
        .expect(200);
    }
    for (let i = 0; i < 3; i++) {
      await system.grpc.verify(
        created.body.token,
        { requiredScopes: ['no-such:scope'] },
        { 'latchkey-caller': 'crm' },
      );
    }
    await waitFor(
      async () => {
        const res = await issuer().get(`/v1/tokens/${id}/usage`).set('Authorization', owner).expect(200);
        return res.body.totals.total === 15;
      },
      { what: '15 verdicts counted' },
    );
    const rotated = await issuer()
      .post(`/v1/tokens/${id}/rotate`)
      .set('Authorization', owner)
      .send({ oldTokenExpiresIn: '24h' })
      .expect(201);

    await page.goto('/console/');
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    await page.getByLabel('Tenant').fill(tenant);
    await page.getByLabel('User').fill('olga');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.goto(`/console/tokens/${id}`);

    const section = page.getByRole('region', { name: 'Verifications' });
    const chart = section.getByRole('img', { name: /Verifications per hour/ });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/^Verifications per hour: 12 OK, 3 refused/);
    await section.getByText('(INSUFFICIENT_SCOPE 3)').waitFor();
    await section.getByText(/Callers: billing-api \(12\), crm \(3\)/).waitFor();
    await section.getByText('Last hour').click();
    await section.getByRole('img', { name: /^Verifications per minute: 12 OK, 3 refused/ }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'token-usage.png'), fullPage: true });
    await expectNoGraveViolations();

    await page
      .getByRole('toolbar', { name: 'Token actions' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    const dialog = page.getByRole('dialog');
    const impact = dialog.getByRole('region', { name: 'Revoke impact' });
    await impact.waitFor();
    await impact.getByText('It was used in the last 24 hours.').waitFor();
    await impact.getByText('Its replacement has not been used yet.').waitFor();
    const text = (await impact.textContent()) ?? '';
    expect(text).toContain('12 OK and 3 refused verifications in 30 days (INSUFFICIENT_SCOPE 3)');
    expect(text).toContain('Callers: billing-api, crm.');
    expect(text).toContain(`No: ${rotated.body.name as string} has not been used yet.`);
    // The preview comes before (above) the confirm button.
    const regionBox = await impact.boundingBox();
    const confirmBox = await dialog.getByRole('button', { name: 'Revoke token' }).boundingBox();
    expect(regionBox && confirmBox && regionBox.y + regionBox.height <= confirmBox.y).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'revoke-impact.png'), fullPage: true });
    await expectNoGraveViolations();

    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'detached' });
    const verdict = await request(system.verifier.url)
      .post('/v1/verify')
      .send({ token: created.body.token })
      .expect(200);
    expect(verdict.body.reason).toBe('REVOKED');
  });
});
