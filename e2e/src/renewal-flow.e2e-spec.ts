import {
  EventType,
  REDEEM_KEY_PATTERN,
  REDEEM_PATH,
  type TokenRenewedEvent,
  Topic,
} from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';
import { EventTap } from './support/event-tap';
import {
  callbackBody,
  callbacksOfOffer,
  CLOCK_SLACK_MS,
  expectNear,
  ms,
  offerIdOf,
  RenewalRig,
  signedAt,
  TIMINGS,
} from './support/renewals';

/**
 * Seed 003 end to end on real services: when a token's renewal is due the worker POSTs a signed callback
 * with a redeem key to the third party's receiver, which trades the key for the renewed token; the old
 * token lives on for its grace period, then answers EXPIRED. Unredeemed, the key expires with its window
 * and a new callback with a new key follows after the re-callback delay.
 */
describe('auto-renewal: callback, redeem and re-callback', () => {
  let rig: RenewalRig;
  let tap: EventTap;

  beforeAll(async () => {
    rig = await RenewalRig.start();
    tap = await EventTap.start(Topic.TokenLifecycle);
  });

  afterAll(async () => {
    await tap?.stop();
    await rig?.close();
  });

  it('calls back with a signed key when due; the key buys the successor, and the old token lives out its grace, then EXPIRED', async () => {
    const tenant = await rig.tenant('flow');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const old = await rig.createToken(tenant.owner, {
      name: 'crm-sync',
      expiresIn: '90d',
      scopes: ['projects:read'],
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });
    expect(old.autoRenewal).toEqual({
      everyDays: 1,
      callbackUrl: hook.url,
      mailRecipient: null,
      nextRenewalAt: expect.any(String),
    });
    const dueAt = ms(old.autoRenewal?.nextRenewalAt ?? '');
    expectNear(dueAt, ms(old.createdAt) + TIMINGS.day, CLOCK_SLACK_MS);

    // The callback: on time, signed (checked by the receiver with node:crypto alone), a key and no token.
    const delivery = await hook.nthCallback(1, old.id);
    expect(delivery.receivedAt).toBeGreaterThanOrEqual(dueAt - CLOCK_SLACK_MS);
    expect(delivery.method).toBe('POST');
    expect(delivery.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery.signature).toEqual({ ok: true, timestamp: expect.any(Number), signatures: 1 });
    expectNear(signedAt(delivery) * 1000, delivery.receivedAt, 5_000);
    const body = callbackBody(delivery);
    expect(body).toEqual({
      type: 'token.renewal_available',
      deliveryId: expect.any(String),
      offerId: expect.any(String),
      tokenId: old.id,
      key: expect.stringMatching(REDEEM_KEY_PATTERN),
      redeemBy: expect.any(String),
      redeemUrl: `${rig.system.issuer.url}${REDEEM_PATH}`,
    });
    expect(delivery.rawBody).not.toContain(old.token);
    expect(delivery.rawBody).not.toMatch(/lk_[0-9A-Za-z]{20,}/);

    // The issuer recorded the offer (window = redeemBy) and the delivered attempt.
    const offered = await rig.offer(
      tenant.owner,
      old.id,
      body.offerId,
      (offer) => (offer.attempts[0]?.outcome ?? null) !== null,
      'the first attempt to be recorded',
    );
    expect(offered).toMatchObject({
      status: 'pending',
      windowEndsAt: body.redeemBy,
      redeemedAt: null,
      newTokenId: null,
      attempts: [{ number: 1, outcome: 'delivered', statusCode: 200, error: null }],
    });
    expect(ms(offered.dueAt)).toBe(dueAt);
    expect(ms(offered.windowEndsAt) - ms(offered.createdAt)).toBe(TIMINGS.window);
    expect(offered.deliveredAt).not.toBeNull();

    // Redeem: the successor, once, in plaintext; the old token's end is the grace period from now.
    const redeemStarted = Date.now();
    const renewed = await rig.redeemed(body.key);
    const redeemEnded = Date.now();
    expect(renewed).toMatchObject({
      name: 'crm-sync',
      scopes: ['projects:read'],
      resources: [],
      replaces: { id: old.id, endsAt: expect.any(String) },
    });
    expect(renewed.token).toMatch(/^lk_[0-9A-Za-z]{49}$/);
    expect(renewed.id).not.toBe(old.id);
    expect(renewed.keyPrefix).toBe(renewed.token.slice(0, 8));
    const endsAt = ms(renewed.replaces.endsAt);
    expect(endsAt).toBeGreaterThanOrEqual(redeemStarted + TIMINGS.oldTokenGrace - CLOCK_SLACK_MS);
    expect(endsAt).toBeLessThanOrEqual(redeemEnded + TIMINGS.oldTokenGrace + CLOCK_SLACK_MS);

    // Both verify now, and every verifier already knows the old token's new end.
    expect((await rig.system.verifyHttp(renewed.token)).body).toMatchObject({
      valid: true,
      reason: 'OK',
      tokenId: renewed.id,
      tenantId: tenant.id,
    });
    const oldNow = (await rig.system.verifyHttp(old.token)).body as { reason: string; expiresAt: string };
    expect(oldNow).toMatchObject({ valid: true, reason: 'OK', tokenId: old.id });
    expect(ms(oldNow.expiresAt)).toBe(endsAt);
    const oldGrpc = await rig.system.grpc.verify(old.token);
    expect(oldGrpc).toMatchObject({ valid: true, reason: 'OK', tokenId: old.id });
    expect(ms(oldGrpc.expiresAt)).toBe(endsAt);

    // The old token answers OK up to its end and EXPIRED from then on (watched at once: 3 s of grace).
    const verdicts: string[] = [];
    const expiredSeenAt = await waitFor(
      async () => {
        verdicts.push(await rig.verdict(old.token));
        return verdicts.at(-1) === 'EXPIRED' ? Date.now() : undefined;
      },
      { timeoutMs: TIMINGS.oldTokenGrace + 10_000, what: 'the old token to reach the end of its grace' },
    );
    expect([...new Set(verdicts)]).toEqual(['OK', 'EXPIRED']);
    expect(expiredSeenAt).toBeGreaterThanOrEqual(endsAt);
    expect(await rig.system.grpc.verify(old.token)).toMatchObject({ valid: false, reason: 'EXPIRED' });
    expect(await rig.verdict(renewed.token)).toBe('OK');
    expect(await rig.token(tenant.owner, old.id)).toMatchObject({ status: 'expired' });

    const event = await tap.next((e) => e.type === EventType.TokenRenewed && e.subject === old.id);
    const renewal = (event as TokenRenewedEvent).data;
    expect(renewal).toMatchObject({ oldTokenId: old.id, newTokenId: renewed.id, reason: 'auto-renewal' });
    expect(ms(renewal.oldTokenEndsAt)).toBe(endsAt);

    const redeemedOffer = (await rig.renewals(tenant.owner, old.id)).find((o) => o.id === body.offerId);
    expect(redeemedOffer).toMatchObject({ status: 'redeemed', newTokenId: renewed.id });
    expect(ms(redeemedOffer?.redeemedAt ?? '')).toBeGreaterThanOrEqual(redeemStarted - CLOCK_SLACK_MS);
    expect(ms(redeemedOffer?.redeemedAt ?? '')).toBeLessThanOrEqual(redeemEnded + CLOCK_SLACK_MS);

    // The successor renews itself in turn: same settings, its own first renewal everyDays after it began.
    const successor = await rig.token(tenant.owner, renewed.id);
    expect(successor).toMatchObject({
      status: 'active',
      name: 'crm-sync',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url, mailRecipient: null },
    });
    // Issued by the auto-renewal service, for the old token's owner (the list's "Created by").
    const ownerOfOld = (await rig.token(tenant.owner, old.id)).createdBy;
    expect(successor).toMatchObject({
      createdBy: ownerOfOld,
      issuedBy: { id: 'system:auto-renewal', email: null },
    });
    const successorDelivery = await hook.nthCallback(1, renewed.id);
    signedAt(successorDelivery);
    expect(callbackBody(successorDelivery).offerId).not.toBe(body.offerId);

    // Only one delivery was needed for that offer.
    expect(callbacksOfOffer(hook.callbacksFor(old.id), body.offerId)).toHaveLength(1);
  });

  it('without a redeem, calls back with a new key after the re-callback delay; the first key then answers 410', async () => {
    const tenant = await rig.tenant('recallback');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const token = await rig.createToken(tenant.owner, {
      name: 'erp-export',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });

    const first = callbackBody(await hook.nthCallback(1, token.id));
    // The next offer is due when the first window has closed plus the re-callback delay (~7.5 s in all).
    const secondDelivery = await waitFor(
      () => hook.callbacksFor(token.id).find((received) => offerIdOf(received) !== first.offerId),
      { timeoutMs: TIMINGS.day + TIMINGS.window + TIMINGS.recallbackDelay + 15_000, what: 'a second offer' },
    );
    signedAt(secondDelivery);
    const second = callbackBody(secondDelivery);
    expect(second.tokenId).toBe(token.id);
    expect(second.offerId).not.toBe(first.offerId);
    expect(second.key).not.toBe(first.key);
    expect(second.key).toMatch(REDEEM_KEY_PATTERN);
    expect(secondDelivery.receivedAt).toBeGreaterThanOrEqual(
      ms(first.redeemBy) + TIMINGS.recallbackDelay - CLOCK_SLACK_MS,
    );
    // The receiver answered 200 at once: one delivery of the first offer, nothing in between.
    expect(callbacksOfOffer(hook.callbacksFor(token.id), first.offerId)).toHaveLength(1);

    const late = await rig.redeem({ key: first.key });
    expect(late.status).toBe(410);
    expect(late.body.code).toBe('RENEWAL_KEY_EXPIRED');

    const offers = await rig.renewals(tenant.owner, token.id);
    const firstOffer = offers.find((offer) => offer.id === first.offerId);
    const secondOffer = offers.find((offer) => offer.id === second.offerId);
    expect(firstOffer).toMatchObject({ status: 'expired', redeemedAt: null, newTokenId: null });
    expect(secondOffer).toMatchObject({ status: 'pending', windowEndsAt: second.redeemBy });
    expectNear(
      ms(secondOffer?.dueAt ?? ''),
      ms(firstOffer?.windowEndsAt ?? '') + TIMINGS.recallbackDelay,
      CLOCK_SLACK_MS,
    );

    // The new key works: the cycle goes on until someone redeems.
    const renewed = await rig.redeemed(second.key);
    expect(renewed.replaces.id).toBe(token.id);
    expect(await rig.verdict(renewed.token)).toBe('OK');
  });
});
