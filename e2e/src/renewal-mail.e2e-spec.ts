import { type ReceivedMail, secretsIn } from './support/smtp-sink';
import {
  callbackBody,
  CLOCK_SLACK_MS,
  letTimePass,
  MAIL_FROM_ADDRESS,
  ms,
  RenewalRig,
  TIMINGS,
} from './support/renewals';

/** One "day" of expiry reminders: the 30-, 7- and 0-day reminders come about 30 s, 7 s and 0 s before expiry. */
const REMINDER_DAY_MS = 1_000;
/** The seed's reminder days (EXPIRY_REMINDER_DAYS is left at its default). */
const REMINDER_DAYS = [30, 7, 0] as const;

/**
 * Mail over real SMTP (issue 4): the renewal mail to the token's mail recipient, the "callback failing"
 * mail when a redeem window is lost without a delivery, and expiry reminders to the creator of a token
 * without auto-renewal. No mail ever carries a token, a redeem key or a signing secret.
 */
describe('auto-renewal: mail', () => {
  let rig: RenewalRig;

  beforeAll(async () => {
    rig = await RenewalRig.start({ REMINDER_DAY_MS: String(REMINDER_DAY_MS) });
  });

  afterAll(async () => {
    await rig?.close();
  });

  const expectSentByLatchkey = (mail: ReceivedMail, recipient: string) => {
    expect(mail.from).toBe(MAIL_FROM_ADDRESS);
    expect(mail.headers.from).toContain(MAIL_FROM_ADDRESS);
    expect(mail.to).toEqual([recipient]);
    expect(mail.headers.to).toContain(recipient);
    expect(mail.subject).not.toBe('');
    expect(mail.text).not.toBe('');
  };

  it('mails the recipient once a token was renewed automatically, without any secret', async () => {
    const tenant = await rig.tenant('renewal-mail');
    const recipient = `integrations@${tenant.id}.test`;
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const token = await rig.createToken(tenant.owner, {
      name: 'billing-export',
      expiresIn: '90d',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url, mailRecipient: recipient },
    });
    expect(token.autoRenewal).toMatchObject({ mailRecipient: recipient });

    const body = callbackBody(await hook.nthCallback(1, token.id));
    const redeemedAt = Date.now();
    const renewed = await rig.redeemed(body.key);

    const mail = await rig.sink.nthTo(1, recipient);
    expectSentByLatchkey(mail, recipient);
    expect(mail.receivedAt).toBeGreaterThanOrEqual(redeemedAt);
    expect(`${mail.subject}\n${mail.text}`).toMatch(/renew/i);
    expect(mail.text).toContain('billing-export');
    // A link to the renewed token's page in the console, not a console that does not exist.
    expect(mail.text).toContain(`${rig.system.issuer.url}/console/tokens/${renewed.id}`);
    expect(mail.text).not.toContain('admin console');
    expect(secretsIn(mail, [token.token, renewed.token, body.key, tenant.secret])).toEqual([]);
    // The creator is not the recipient here: nothing about this renewal went to them.
    expect(rig.sink.mailsTo(tenant.ownerEmail).filter((m) => m.text.includes('billing-export'))).toEqual([]);
  });

  it('mails the recipient when a redeem window was lost because the callback kept failing', async () => {
    const tenant = await rig.tenant('failing-mail');
    const recipient = `alerts@${tenant.id}.test`;
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret).respondWith(503);
    const token = await rig.createToken(tenant.owner, {
      name: 'unreachable-partner',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url, mailRecipient: recipient },
    });

    const first = callbackBody(await hook.nthCallback(1, token.id));
    const mail = await rig.sink.nthTo(1, recipient, undefined, TIMINGS.window + 20_000);
    expectSentByLatchkey(mail, recipient);
    // Sent once the window is lost: when no retry fits before its end any more (at most one backoff cap
    // early), not while retries are still under way.
    expect(mail.receivedAt).toBeGreaterThanOrEqual(ms(first.redeemBy) - TIMINGS.retryMax - CLOCK_SLACK_MS);
    expect(`${mail.subject}\n${mail.text}`).toMatch(/callback/i);
    expect(mail.text).toContain('unreachable-partner');
    const keys = hook.callbacksFor(token.id).map((received) => callbackBody(received).key);
    expect(keys.length).toBeGreaterThan(1);
    expect(secretsIn(mail, [token.token, tenant.secret, ...keys])).toEqual([]);

    // The mail can precede the window's end by up to one backoff cap; the offer is expired once it has ended.
    const offer = await rig.offer(
      tenant.owner,
      token.id,
      first.offerId,
      (o) => o.status === 'expired',
      'the lost offer to be expired',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(ms(first.redeemBy) - CLOCK_SLACK_MS);
    expect(offer.status).toBe('expired');
    expect(offer.deliveredAt).toBeNull();
    // An attempt cut short by the window's end may stay without an outcome; every recorded one failed.
    const recorded = offer.attempts.filter((attempt) => attempt.outcome !== null);
    expect(recorded.length).toBeGreaterThan(1);
    expect(new Set(recorded.map((attempt) => `${attempt.outcome} ${attempt.statusCode}`))).toEqual(
      new Set(['failed 503']),
    );
    await rig.revoke(tenant.owner, token.id);
  });

  it('reminds the creator 30 and 7 days before expiry and on the day, only for tokens without auto-renewal', async () => {
    const tenant = await rig.tenant('reminders');
    const creatorEmail = `rita@${tenant.id}.test`;
    const creator = await rig.system.adminAuth({
      tenantId: tenant.id,
      userId: 'rita',
      role: 'admin',
      email: creatorEmail,
    });
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    // Expiry three quarters into a reminder "day", ~38 s from now: a reminder sent at the start of its day
    // (or exactly d days before the expiry) then arrives well before the token expires.
    const expiresAt = new Date(
      Math.floor((Date.now() + 38_000) / REMINDER_DAY_MS) * REMINDER_DAY_MS + 0.75 * REMINDER_DAY_MS,
    ).toISOString();
    const plain = await rig.createToken(creator, { name: 'nightly-report', expiresAt });
    expect(plain.createdBy).toEqual({ id: 'rita', email: creatorEmail });
    const renewing = await rig.createToken(creator, {
      name: 'self-renewing',
      expiresAt,
      autoRenewal: { everyDays: 1, callbackUrl: hook.url, mailRecipient: `ops@${tenant.id}.test` },
    });
    const expiry = ms(plain.expiresAt ?? '');

    const aboutPlain = (mail: ReceivedMail) => mail.text.includes('nightly-report');
    const reminders: ReceivedMail[] = [];
    for (const [i, days] of REMINDER_DAYS.entries()) {
      const mail = await rig.sink.nthTo(i + 1, creatorEmail, aboutPlain, 45_000);
      // On the reminder's "day": not before the day `days` days before the expiry day began, not after
      // `days` days before the expiry (plus the time to send).
      const latest = expiry - days * REMINDER_DAY_MS;
      expect(mail.receivedAt).toBeGreaterThanOrEqual(latest - REMINDER_DAY_MS - CLOCK_SLACK_MS);
      expect(mail.receivedAt).toBeLessThanOrEqual(latest + 3_000);
      expectSentByLatchkey(mail, creatorEmail);
      expect(secretsIn(mail, [plain.token, renewing.token, tenant.secret])).toEqual([]);
      expect(mail.text).toContain(`${rig.system.issuer.url}/console/tokens/${plain.id}`);
      reminders.push(mail);
    }
    expect(reminders[0].receivedAt).toBeLessThan(reminders[1].receivedAt);
    expect(reminders[1].receivedAt).toBeLessThan(reminders[2].receivedAt);

    // Proving an absence: no fourth reminder, and none about the auto-renewing token (same expiry, so its
    // reminders would have come with these). Two reminder "days" past the token's expiry.
    await letTimePass(expiry + 2 * REMINDER_DAY_MS - Date.now());
    expect(rig.sink.mailsTo(creatorEmail).filter(aboutPlain)).toHaveLength(3);
    expect(rig.sink.mails.filter((mail) => mail.text.includes('self-renewing'))).toEqual([]);
    expect(rig.sink.mails.filter((mail) => mail.subject.includes('self-renewing'))).toEqual([]);
  });
});
