import { randomBytes } from 'node:crypto';
import { type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { shoot } from './support/console-shots';
import { expectStatus, ms, RenewalRig, type RenewalView } from './support/renewals';
import { buildConsole, type ConsoleBrowser, openConsoleBrowser } from './support/console-browser';
import { type ReceivedMail, secretsIn } from './support/smtp-sink';

/**
 * Seed 003's durations for a person at a browser: a "day" of 5 s, a redeem window of 12 s (long enough
 * to open the mailed link and redeem, short enough to wait out), and nothing else happening to a token
 * within a test (the next offer and the old token's end are minutes away).
 */
const DAY_MS = 5_000;
const WINDOW_MS = 12_000;

const ready = (mail: ReceivedMail) => /ready to redeem/i.test(mail.subject);
const renewedMail = (mail: ReceivedMail) => /was renewed/i.test(mail.subject);

/** The console link a mail carries to a token's page. */
function consoleLink(mail: ReceivedMail): string {
  const link = /https?:\/\/\S+\/console\/tokens\/[0-9a-f-]{36}/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no console link in the mail "${mail.subject}":\n${mail.text}`);
  return link;
}

/**
 * Auto-renewal without a callback in a real browser (seed 003, issue 13), against the real issuer,
 * verifier and worker, with mail through an SMTP sink: the owner creates a token that renews with a mail
 * recipient alone; when the renewal opens, the recipient's mail links to the token's page, where the
 * owner redeems it within the window and sees the renewed token once. After the window the console
 * says why it was refused. In a tenant that keeps tokens recoverable, nobody redeems: the token is
 * renewed on schedule, and the owner reveals and copies the successor on its page.
 */
describe('console: auto-renewal without a callback', () => {
  let rig: RenewalRig;
  let context: BrowserContext;
  let page: Page;
  let browser: ConsoleBrowser | undefined;
  const run = `${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;

  beforeAll(async () => {
    buildConsole();
    rig = await RenewalRig.start({
      RENEWAL_DAY_MS: String(DAY_MS),
      RENEWAL_REDEEM_WINDOW_MS: String(WINDOW_MS),
      RENEWAL_RECALLBACK_DELAY_MS: '300000',
      RENEWAL_OLD_TOKEN_GRACE_MS: '300000',
      TOKEN_RECOVERY_KEY: randomBytes(32).toString('base64'),
    });
    browser = await openConsoleBrowser(rig.system.issuer.url);
    context = browser.context;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rig.system.issuer.url });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  const issuer = () => request(rig.system.issuer.url);

  /** Signs in through the development screen as the tenant's owner, after signing anyone else out. */
  async function signIn(tenantId: string, userId: string): Promise<void> {
    await page.goto('/console/');
    await page.evaluate('sessionStorage.clear()');
    await page.goto('/console/');
    await page.getByRole('heading', { name: 'Sign in to Latchkey' }).waitFor();
    await page.getByLabel('Tenant').fill(tenantId);
    await page.getByLabel('User').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
  }

  /** The owner's `Authorization` for the API calls the test makes beside the browser. */
  const ownerAuth = (tenantId: string, userId: string) =>
    rig.system.adminAuth({ tenantId, userId, role: 'owner', email: `${userId}@${tenantId}.test` });

  const pendingOffer = async (auth: string, tokenId: string): Promise<RenewalView> => {
    const offer = (await rig.renewals(auth, tokenId)).find((o) => o.status === 'pending');
    if (!offer) throw new Error(`no pending renewal offer for ${tokenId}`);
    return offer;
  };

  it('opens a renewal without a callback, mails its link, and the owner redeems it there once', async () => {
    const tenantId = `console-renew-${run}`;
    const recipient = `integrations@${tenantId}.test`;
    await signIn(tenantId, 'rita');

    // The create form: auto-renewal with a mail recipient and no callback URL.
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Token name').fill('partner-feed');
    await dialog.getByLabel('Auto renewal every N days').check();
    await dialog.getByLabel('Renew every (days)').fill('1');
    await dialog.getByLabel('Renewal mail recipient').fill(recipient);
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const original = (await dialog.getByTestId('token-plaintext').textContent())?.trim() ?? '';
    expect(original).toMatch(/^lk_/);
    await dialog.getByRole('button', { name: /I have stored it/ }).click();
    await dialog.waitFor({ state: 'detached' });

    // On schedule, the recipient is told, with the token's page and no secret.
    const mail = await rig.sink.nthTo(1, recipient, ready, 30_000);
    expect(secretsIn(mail, [original])).toEqual([]);
    const link = consoleLink(mail);
    const tokenId = link.split('/tokens/')[1] ?? '';
    const owner = await ownerAuth(tenantId, 'rita');
    const offer = await pendingOffer(owner, tokenId);
    expect(ms(offer.windowEndsAt) - ms(offer.createdAt)).toBe(WINDOW_MS);

    // The owner follows the link and redeems within the window: the renewed token, once.
    await page.goto(link);
    await page.getByRole('heading', { name: 'partner-feed' }).waitFor();
    const waiting = page.getByRole('status').filter({ hasText: 'A renewal is waiting' });
    await waiting.waitFor();
    await shoot(page, 'renewal-waiting');
    await waiting.getByRole('button', { name: 'Redeem renewal' }).click();
    const renewed = page.getByRole('dialog', { name: 'Renewed token' });
    const plaintext = (await renewed.getByTestId('token-plaintext').textContent())?.trim() ?? '';
    expect(plaintext).toMatch(/^lk_/);
    expect(plaintext).not.toBe(original);
    await renewed.getByText('This is the only time the full token').waitFor();
    expect(Date.now()).toBeLessThan(ms(offer.windowEndsAt));
    await shoot(page, 'renewal-redeemed');
    expect(await rig.verdict(plaintext)).toBe('OK');
    // The old token works on through its grace period.
    expect(await rig.verdict(original)).toBe('OK');

    // Closed, the renewed token's own page: its plaintext is gone from the page and from storage.
    await renewed.getByRole('button', { name: /I have stored it/ }).click();
    await renewed.waitFor({ state: 'detached' });
    await page.getByText('Replaces', { exact: false }).getByRole('link', { name: 'partner-feed' }).waitFor();
    expect(page.url()).not.toContain(tokenId);
    expect(await page.content()).not.toContain(plaintext);
    const stored = await page.evaluate('JSON.stringify({ ...sessionStorage, ...localStorage })');
    expect(stored).not.toContain(plaintext);
    const history = await rig.renewals(owner, tokenId);
    expect(history.find((o) => o.id === offer.id)).toMatchObject({ status: 'redeemed', attempts: [] });
    expect(rig.receiver.requests).toEqual([]);
  });

  it('refuses the redeem once the window has ended, saying so; the token keeps working and its recipient is edited alone', async () => {
    const tenantId = `console-lapse-${run}`;
    const recipient = `ops@${tenantId}.test`;
    const owner = await ownerAuth(tenantId, 'lena');
    await signIn(tenantId, 'lena');
    const token = await rig.createToken(owner, {
      name: 'lapsing-feed',
      autoRenewal: { everyDays: 1, mailRecipient: recipient },
    });

    const mail = await rig.sink.nthTo(1, recipient, ready, 30_000);
    const offer = await pendingOffer(owner, token.id);
    await page.goto(consoleLink(mail));
    await page.getByRole('heading', { name: 'lapsing-feed' }).waitFor();
    const waiting = page.getByRole('status').filter({ hasText: 'A renewal is waiting' });
    await waiting.waitFor();

    // The page was opened in time; the owner clicks after the window's end.
    await page.waitForTimeout(Math.max(0, ms(offer.windowEndsAt) - Date.now() + 500));
    await waiting.getByRole('button', { name: 'Redeem renewal' }).click();
    // The notice is gone (its window ended); the issuer's answer says why.
    const refusal = page.getByRole('alert').filter({ hasText: 'RENEWAL_KEY_EXPIRED' });
    await refusal.getByText(/This renewal can no longer be redeemed: its redeem window ended at/).waitFor();
    await refusal.getByText(/The next renewal opens at .*the renewal mail recipient is told/).waitFor();
    await refusal.getByText('RENEWAL_KEY_EXPIRED').waitFor();
    await refusal.getByText('The renewal was not redeemed').waitFor();
    expect(await page.getByRole('dialog', { name: 'Renewed token' }).count()).toBe(0);
    expect(await page.getByText('A renewal is waiting').count()).toBe(0);
    await shoot(page, 'renewal-window-ended');
    expect(await rig.verdict(token.token)).toBe('OK');

    // Opened again, the page no longer offers it; the history shows the offer expired.
    await page.reload();
    await page.getByRole('heading', { name: 'lapsing-feed' }).waitFor();
    await page.getByRole('heading', { name: 'Renewal history' }).waitFor();
    await page.getByRole('cell', { name: 'expired', exact: true }).waitFor();
    expect(await page.getByText('A renewal is waiting').count()).toBe(0);
    const history = await rig.renewals(owner, token.id);
    expect(history.find((o) => o.id === offer.id)).toMatchObject({ status: 'expired', newTokenId: null });

    // The mail recipient is edited on its own (seed 003's Edit: "Renewal Mail Recipient").
    const next = `renewals@${tenantId}.test`;
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit token' });
    expect(await edit.getByLabel('Callback URL').inputValue()).toBe('');
    await edit.getByLabel('Renewal mail recipient').fill(next);
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.getByText(`mail to ${next}`, { exact: false }).waitFor();
    const edited = await rig.token(owner, token.id);
    expect(edited.autoRenewal).toMatchObject({ everyDays: 1, callbackUrl: null, mailRecipient: next });
  });

  it('in a tenant that keeps tokens recoverable, renews on schedule and the owner reveals the successor on its page', async () => {
    const tenantId = `console-kept-${run}`;
    const recipient = `feeds@${tenantId}.test`;
    const owner = await ownerAuth(tenantId, 'olga');
    await signIn(tenantId, 'olga');
    const policy = await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', owner)
      .send({ recoverableTokens: true });
    expectStatus(policy, 200, 'PATCH /v1/tenant/policy recoverableTokens: true');
    const token = await rig.createToken(owner, {
      name: 'kept-feed',
      autoRenewal: { everyDays: 1, mailRecipient: recipient },
    });

    // Nobody redeems: the recipient hears that it was renewed, with the successor's page.
    const mail = await rig.sink.nthTo(1, recipient, renewedMail, 30_000);
    expect(mail.text).toContain('Reveal and copy');
    expect(rig.sink.mailsTo(recipient).filter(ready)).toEqual([]);
    await page.goto(consoleLink(mail));
    await page.getByRole('heading', { name: 'kept-feed' }).waitFor();
    await page.getByText('Replaces', { exact: false }).getByRole('link', { name: 'kept-feed' }).waitFor();
    expect(page.url()).not.toContain(token.id);

    // The owner obtains the renewed token there: Reveal and copy.
    await page.getByRole('button', { name: 'Reveal and copy' }).click();
    const revealed = (await page.getByTestId('revealed-token').textContent())?.trim() ?? '';
    expect(revealed).toMatch(/^lk_/);
    expect(revealed).not.toBe(token.token);
    expect(secretsIn(mail, [token.token, revealed])).toEqual([]);
    await shoot(page, 'renewal-revealed');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(revealed);
    expect(await rig.verdict(revealed)).toBe('OK');
    expect(await rig.verdict(token.token)).toBe('OK');
    await page.getByRole('button', { name: 'Hide' }).click();
    await page.getByRole('button', { name: 'Reveal and copy' }).waitFor();
    expect(await page.content()).not.toContain(revealed);
  });
});
