import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bodyField } from './support/callback-receiver';
import { secretsIn } from './support/smtp-sink';
import {
  CLOCK_SLACK_MS,
  expectStatus,
  letTimePass,
  MAIL_FROM_ADDRESS,
  ms,
  RenewalRig,
  type RenewedToken,
  type RenewalView,
  TIMINGS,
} from './support/renewals';

/**
 * Auto-renewal without a callback (seed 003 makes the callback optional; issue 13): a token set to
 * auto-renew with a mail recipient alone is still renewed on schedule. The issuer opens the offer when it
 * falls due, the worker mails the recipient a link to the token's page in the console (never a key), and
 * the token's owner redeems the offer there, signed in, within the redeem window. No callback is
 * attempted and the tenant needs no signing secret. In a tenant that keeps tokens recoverable, the issuer
 * renews the token itself when the offer opens, and the owner copies the successor on its page. The
 * recipient can be changed on its own.
 */
describe('auto-renewal: without a callback', () => {
  let rig: RenewalRig;

  beforeAll(async () => {
    // A recovery key, so a tenant may keep tokens recoverable (off by default; one test turns it on).
    rig = await RenewalRig.start({
      TOKEN_RECOVERY_KEY: randomBytes(32).toString('base64'),
      TOKEN_RECOVERY_KEY_ID: 'e2e-renew',
    });
  });

  afterAll(async () => {
    await rig?.close();
  });

  const issuer = () => request(rig.system.issuer.url);
  const redeemInConsole = (auth: string, tokenId: string, offerId: string) =>
    issuer().post(`/v1/tokens/${tokenId}/renewals/${offerId}/redeem`).set('Authorization', auth).send();
  const callbacksAbout = (tokenId: string) =>
    rig.receiver.requests.filter((received) => bodyField(received, 'tokenId') === tokenId);
  /** The token's first offer for which `ready` holds, once there is one. */
  const offerWhere = async (
    auth: string,
    tokenId: string,
    ready: (offer: RenewalView) => boolean,
  ): Promise<RenewalView> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = (await rig.renewals(auth, tokenId)).find(ready);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching renewal offer for ${tokenId}`);
      await letTimePass(150);
    }
  };

  it('renews on schedule, tells the recipient with a link to the console, and the owner redeems it there', async () => {
    // No signing secret: a callback-less renewal signs nothing.
    const tenant = await rig.tenant('no-callback', { signingSecret: false });
    const recipient = `integrations@${tenant.id}.test`;
    const token = await rig.createToken(tenant.owner, {
      name: 'partner-feed',
      expiresIn: '90d',
      autoRenewal: { everyDays: 1, mailRecipient: recipient },
    });
    expect(token.autoRenewal).toMatchObject({ everyDays: 1, callbackUrl: null, mailRecipient: recipient });
    const dueAt = ms(token.autoRenewal?.nextRenewalAt ?? '');

    const mail = await rig.sink.nthTo(1, recipient, (m) => /ready to redeem/i.test(m.subject), 20_000);
    expect(mail.from).toBe(MAIL_FROM_ADDRESS);
    expect(mail.receivedAt).toBeGreaterThanOrEqual(dueAt - CLOCK_SLACK_MS);
    expect(mail.text).toContain('partner-feed');
    expect(mail.text).toContain(`${rig.system.issuer.url}/console/tokens/${token.id}`);
    expect(secretsIn(mail, [token.token])).toEqual([]);

    const offer = await offerWhere(tenant.owner, token.id, (o) => o.status === 'pending');
    expect(ms(offer.createdAt)).toBeGreaterThanOrEqual(dueAt - CLOCK_SLACK_MS);
    expect(ms(offer.windowEndsAt) - ms(offer.createdAt)).toBe(TIMINGS.window);
    expect(offer.attempts).toEqual([]);

    // Only the owner receives the successor's plaintext: an admin of the tenant may not redeem it.
    const admin = await rig.system.adminAuth({
      tenantId: tenant.id,
      userId: 'carla',
      role: 'admin',
      email: `carla@${tenant.id}.test`,
    });
    const refused = await redeemInConsole(admin, token.id, offer.id);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'NOT_TOKEN_OWNER' });

    const res = await redeemInConsole(tenant.owner, token.id, offer.id);
    expectStatus(res, 201, 'POST /v1/tokens/:id/renewals/:offerId/redeem');
    expect(res.headers['cache-control']).toBe('no-store');
    const renewed = res.body as RenewedToken;
    expect(renewed).toMatchObject({ name: 'partner-feed', replaces: { id: token.id } });
    expect(renewed.token).toMatch(/^lk_/);
    expect(await rig.verdict(renewed.token)).toBe('OK');
    // The old token works through its grace period.
    expect(await rig.verdict(token.token)).toBe('OK');
    expect(ms(renewed.replaces.endsAt) - Date.now()).toBeLessThanOrEqual(TIMINGS.oldTokenGrace);

    const again = await redeemInConsole(tenant.owner, token.id, offer.id);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'RENEWAL_KEY_USED' });

    const successor = await rig.token(tenant.owner, renewed.id);
    expect(successor.autoRenewal).toMatchObject({ callbackUrl: null, mailRecipient: recipient });
    expect(successor.issuedBy).toMatchObject({ id: 'owner' });

    // The recipient hears that the token was renewed, without any secret.
    const renewedMail = await rig.sink.nthTo(1, recipient, (m) => /was renewed/i.test(m.subject));
    expect(renewedMail.text).toContain(`${rig.system.issuer.url}/console/tokens/${renewed.id}`);
    expect(secretsIn(renewedMail, [token.token, renewed.token])).toEqual([]);

    // No callback request was ever attempted for it.
    expect(callbacksAbout(token.id)).toEqual([]);
    await rig.revoke(tenant.owner, renewed.id);
  });

  it('refuses the redeem once the window closed, and announces the next offer after the re-callback delay', async () => {
    const tenant = await rig.tenant('no-callback-lapse', { signingSecret: false });
    const recipient = `ops@${tenant.id}.test`;
    const token = await rig.createToken(tenant.owner, {
      name: 'lapsing-feed',
      autoRenewal: { everyDays: 1, mailRecipient: recipient },
    });
    const ready = (m: { subject: string }) => /ready to redeem/i.test(m.subject);
    await rig.sink.nthTo(1, recipient, ready, 20_000);
    const first = await offerWhere(tenant.owner, token.id, (o) => o.status === 'pending');

    await letTimePass(ms(first.windowEndsAt) - Date.now() + CLOCK_SLACK_MS);
    const late = await redeemInConsole(tenant.owner, token.id, first.id);
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ code: 'RENEWAL_KEY_EXPIRED' });
    expect((late.body as { detail: string }).detail).toContain(
      `The next renewal opens at ${new Date(ms(first.windowEndsAt) + TIMINGS.recallbackDelay).toISOString()}`,
    );
    expect(await rig.verdict(token.token)).toBe('OK');

    // 24 hours after the window closed, in the seed's terms: a new offer, announced by a new mail.
    const second = await rig.sink.nthTo(2, recipient, ready, 20_000);
    expect(second.receivedAt).toBeGreaterThanOrEqual(
      ms(first.windowEndsAt) + TIMINGS.recallbackDelay - CLOCK_SLACK_MS,
    );
    const next = await offerWhere(tenant.owner, token.id, (o) => o.id !== first.id && o.status === 'pending');
    const res = await redeemInConsole(tenant.owner, token.id, next.id);
    expectStatus(res, 201, 'redeeming the second offer');
    expect(callbacksAbout(token.id)).toEqual([]);
    await rig.revoke(tenant.owner, (res.body as RenewedToken).id);
  });

  it('in a tenant that keeps tokens recoverable, renews on schedule with nobody redeeming; the owner reveals the successor', async () => {
    const tenant = await rig.tenant('no-callback-kept', { signingSecret: false });
    const fresh = await rig.system.adminAuth({
      tenantId: tenant.id,
      userId: 'owner',
      role: 'owner',
      email: tenant.ownerEmail,
      authTime: 'now',
    });
    const policy = await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', tenant.owner)
      .send({ recoverableTokens: true });
    expectStatus(policy, 200, 'PATCH /v1/tenant/policy recoverableTokens: true');
    const recipient = `integrations@${tenant.id}.test`;
    const token = await rig.createToken(tenant.owner, {
      name: 'kept-feed',
      expiresIn: '90d',
      autoRenewal: { everyDays: 1, mailRecipient: recipient },
    });
    const dueAt = ms(token.autoRenewal?.nextRenewalAt ?? '');

    // The recipient is told that the token was renewed, with the successor's page, and no secret.
    const renewedMail = await rig.sink.nthTo(1, recipient, (m) => /was renewed/i.test(m.subject), 20_000);
    expect(renewedMail.receivedAt).toBeGreaterThanOrEqual(dueAt - CLOCK_SLACK_MS);
    const offer = await offerWhere(tenant.owner, token.id, (o) => o.status === 'redeemed');
    expect(ms(offer.redeemedAt ?? '')).toBeGreaterThanOrEqual(dueAt - CLOCK_SLACK_MS);
    expect(offer.attempts).toEqual([]);
    const successorId = offer.newTokenId ?? '';
    expect(renewedMail.text).toContain(`${rig.system.issuer.url}/console/tokens/${successorId}`);
    expect(renewedMail.text).toContain('Reveal and copy');

    const successor = await rig.token(tenant.owner, successorId);
    expect(successor).toMatchObject({ name: 'kept-feed', status: 'active' });
    expect(successor.autoRenewal).toMatchObject({ callbackUrl: null, mailRecipient: recipient });
    expect(successor.issuedBy).toMatchObject({ id: 'system:auto-renewal' });

    // Its owner obtains the renewed token in the console: the reveal after a fresh sign-in.
    const revealed = await issuer()
      .post(`/v1/tokens/${successorId}/reveal`)
      .set('Authorization', fresh)
      .send();
    expectStatus(revealed, 200, 'POST /v1/tokens/:id/reveal of the successor');
    const plaintext = (revealed.body as { token: string }).token;
    expect(plaintext).toMatch(/^lk_/);
    expect(plaintext).not.toBe(token.token);
    expect(await rig.verdict(plaintext)).toBe('OK');
    // The old token works through its grace period.
    expect(await rig.verdict(token.token)).toBe('OK');
    expect(secretsIn(renewedMail, [token.token, plaintext])).toEqual([]);

    // Nothing waited for a redeem: no "ready to redeem" mail, no callback, and the owner's redeem of the
    // offer is answered as for any redeemed offer.
    expect(rig.sink.mailsTo(recipient).filter((m) => /ready to redeem/i.test(m.subject))).toEqual([]);
    expect(callbacksAbout(token.id)).toEqual([]);
    const late = await redeemInConsole(tenant.owner, token.id, offer.id);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'RENEWAL_KEY_USED' });

    // The successor keeps the schedule: it is renewed the same way a day later.
    const next = await offerWhere(tenant.owner, successorId, (o) => o.status === 'redeemed');
    await rig.sink.nthTo(2, recipient, (m) => /was renewed/i.test(m.subject), 20_000);
    await rig.revoke(tenant.owner, next.newTokenId ?? '');
  });

  it('renews a kept token once when 25 callers open its due renewal at the same moment', async () => {
    const tenant = await rig.tenant('no-callback-kept-race', { signingSecret: false });
    const policy = await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', tenant.owner)
      .send({ recoverableTokens: true });
    expectStatus(policy, 200, 'PATCH /v1/tenant/policy recoverableTokens: true');
    const token = await rig.createToken(tenant.owner, {
      name: 'raced-feed',
      autoRenewal: { everyDays: 1, mailRecipient: `race@${tenant.id}.test` },
    });
    const dueAt = token.autoRenewal?.nextRenewalAt ?? '';
    // At the due time, the worker's own job races 25 more calls of the internal API (a job retried,
    // two workers): one offer, one successor.
    await letTimePass(ms(dueAt) - Date.now());
    const internal = () =>
      request(rig.system.issuerInternalUrl)
        .post(`/internal/v1/tokens/${token.id}/renewal-offers`)
        .set('Authorization', `Bearer ${rig.system.env.INTERNAL_API_SECRET ?? ''}`)
        .send({ dueAt });
    const answers = await Promise.all(Array.from({ length: 25 }, internal));
    for (const answer of answers) {
      expect([200, 201]).toContain(answer.status);
      expect(answer.body).toMatchObject({ status: 'redeemed', delivery: 'console' });
    }
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    const offers = await rig.renewals(tenant.owner, token.id);
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ status: 'redeemed', newTokenId: expect.any(String) as unknown });
    const list = await issuer().get('/v1/tokens').query({ pageSize: 100 }).set('Authorization', tenant.owner);
    expectStatus(list, 200, 'GET /v1/tokens');
    const successors = (
      list.body as { items: Array<{ id: string; replacesTokenId: string | null }> }
    ).items.filter((item) => item.replacesTokenId === token.id);
    expect(successors.map((item) => item.id)).toEqual([offers[0]?.newTokenId]);
    await rig.revoke(tenant.owner, successors[0]?.id ?? '');
  });

  it('refuses auto-renewal that reaches nobody (422 AUTO_RENEWAL_UNREACHABLE) and a callback without a secret (409)', async () => {
    const tenant = await rig.tenant('no-callback-refusals', { signingSecret: false });
    for (const autoRenewal of [{ everyDays: 1 }, { everyDays: 1, callbackUrl: null, mailRecipient: null }]) {
      const res = await rig.postToken(tenant.owner, { name: 'nobody', autoRenewal });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'AUTO_RENEWAL_UNREACHABLE' });
    }
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`);
    const withCallback = await rig.postToken(tenant.owner, {
      name: 'unsigned',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });
    expect(withCallback.status).toBe(409);
    expect(withCallback.body).toMatchObject({ code: 'SIGNING_SECRET_REQUIRED' });
  });

  it('changes the mail recipient on its own, keeping the callback URL and the renewal already due', async () => {
    const tenant = await rig.tenant('recipient-alone');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const token = await rig.createToken(tenant.owner, {
      name: 'crm-sync',
      autoRenewal: { everyDays: 30, callbackUrl: hook.url, mailRecipient: `old@${tenant.id}.test` },
    });
    const res = await rig.patchToken(tenant.owner, token.id, {
      autoRenewal: { mailRecipient: `new@${tenant.id}.test` },
    });
    expectStatus(res, 200, 'PATCH the recipient alone');
    expect(res.body).toMatchObject({
      autoRenewal: {
        everyDays: 30,
        callbackUrl: hook.url,
        mailRecipient: `new@${tenant.id}.test`,
        nextRenewalAt: token.autoRenewal?.nextRenewalAt,
      },
    });
    expect((await rig.token(tenant.owner, token.id)).autoRenewal?.mailRecipient).toBe(
      `new@${tenant.id}.test`,
    );

    // The callback URL can be dropped the same way: renewals then go to the console.
    const dropped = await rig.patchToken(tenant.owner, token.id, { autoRenewal: { callbackUrl: null } });
    expectStatus(dropped, 200, 'PATCH callbackUrl: null');
    expect(dropped.body).toMatchObject({
      autoRenewal: { callbackUrl: null, mailRecipient: `new@${tenant.id}.test` },
    });
    // …but not the recipient too: nobody would hear of a renewal.
    const nobody = await rig.patchToken(tenant.owner, token.id, { autoRenewal: { mailRecipient: null } });
    expect(nobody.status).toBe(422);
    expect(nobody.body).toMatchObject({ code: 'AUTO_RENEWAL_UNREACHABLE' });

    // Switching on needs a period.
    const plain = await rig.createToken(tenant.owner, { name: 'plain' });
    const incomplete = await rig.patchToken(tenant.owner, plain.id, {
      autoRenewal: { mailRecipient: `x@${tenant.id}.test` },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body).toMatchObject({ code: 'AUTO_RENEWAL_INCOMPLETE' });
  });
});
