import {
  callbackBody,
  callbacksOfOffer,
  letTimePass,
  ms,
  RenewalRig,
  signedAt,
  TIMINGS,
} from './support/renewals';

/** A redeem window long enough to outlast a worker restart (the other timings stay those of TIMINGS). */
const WINDOW_MS = 30_000;
/** How soon a killed worker's active job is taken up again: its lock lapses, the stalled check sees it. */
const JOB_LOCK_MS = 2_000;
const STALLED_INTERVAL_MS = 1_000;

/**
 * Callback delivery (issue 4): a per-attempt timeout, retries with backoff inside the redeem window, every
 * attempt recorded, no redirects followed, and a delivery in flight when the worker dies is made again by
 * the restarted worker.
 */
describe('auto-renewal: callback delivery', () => {
  let rig: RenewalRig;

  beforeAll(async () => {
    rig = await RenewalRig.start({
      RENEWAL_REDEEM_WINDOW_MS: String(WINDOW_MS),
      WORKER_JOB_LOCK_MS: String(JOB_LOCK_MS),
      WORKER_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
    });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('retries a failing receiver until it answers 2xx, records every attempt, and any key of the offer redeems', async () => {
    const tenant = await rig.tenant('retries');
    const hook = rig.receiver
      .endpoint(`/hooks/${tenant.id}`)
      .trust(tenant.secret)
      .respondInTurn([503, 503], 200);
    const token = await rig.createToken(tenant.owner, {
      name: 'flaky-receiver',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });

    await hook.nthCallback(3, token.id);
    const requests = hook.callbacksFor(token.id);
    const bodies = requests.map(callbackBody);
    requests.forEach(signedAt);
    expect(requests.map((received) => received.answeredWith)).toEqual([503, 503, 200]);
    expect(new Set(bodies.map((body) => body.offerId)).size).toBe(1);
    // Every attempt carries its own key and delivery id.
    expect(new Set(bodies.map((body) => body.key)).size).toBe(3);
    expect(new Set(bodies.map((body) => body.deliveryId)).size).toBe(3);
    const windowEnd = ms(bodies[0].redeemBy);
    for (const received of requests) {
      expect(received.receivedAt).toBeLessThan(windowEnd);
    }
    // Backoff capped at CALLBACK_RETRY_MAX_MS: retries follow within the cap (plus the send itself).
    const gaps = requests.slice(1).map((received, i) => received.receivedAt - requests[i].receivedAt);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) {
      expect(gap).toBeLessThanOrEqual(TIMINGS.retryMax + 1_000);
    }

    const offer = await rig.offer(
      tenant.owner,
      token.id,
      bodies[0].offerId,
      (o) => o.attempts.length === 3 && o.attempts.every((attempt) => attempt.outcome !== null),
      'three recorded attempts',
    );
    expect(
      offer.attempts.map(({ number, outcome, statusCode }) => ({ number, outcome, statusCode })),
    ).toEqual([
      { number: 1, outcome: 'failed', statusCode: 503 },
      { number: 2, outcome: 'failed', statusCode: 503 },
      { number: 3, outcome: 'delivered', statusCode: 200 },
    ]);
    for (const attempt of offer.attempts) {
      expect(attempt.durationMs).toEqual(expect.any(Number));
      expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
      expect(ms(attempt.finishedAt ?? '')).toBeGreaterThanOrEqual(ms(attempt.startedAt));
    }
    expect(offer.attempts[0].error).toEqual(expect.any(String));
    expect(offer.attempts[1].error).toEqual(expect.any(String));
    expect(offer.attempts[2].error).toBeNull();
    expect(offer.status).toBe('pending');
    expect(offer.deliveredAt).not.toBeNull();

    // Proving an absence: delivered, so no further attempt. Twice the longest backoff is when one would
    // have come.
    await letTimePass(2 * TIMINGS.retryMax);
    expect(hook.callbacksFor(token.id)).toHaveLength(3);

    // The key of a failed attempt is a key of the open offer too; once redeemed, the others are used up.
    const renewed = await rig.redeemed(bodies[0].key);
    expect(renewed.replaces.id).toBe(token.id);
    const again = await rig.redeem({ key: bodies[2].key });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RENEWAL_KEY_USED');
  });

  it('counts a receiver that does not answer within the timeout as a failed attempt, then retries', async () => {
    const tenant = await rig.tenant('timeout');
    const hook = rig.receiver
      .endpoint(`/hooks/${tenant.id}`)
      .trust(tenant.secret)
      .respondInTurn(['hold'], 200);
    const token = await rig.createToken(tenant.owner, {
      name: 'slow-receiver',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });

    const second = await hook.nthCallback(2, token.id, 30_000);
    expect(second.answeredWith).toBe(200);
    const offerId = callbackBody(second).offerId;
    const offer = await rig.offer(
      tenant.owner,
      token.id,
      offerId,
      (o) => o.attempts.length === 2 && o.attempts[1].outcome !== null,
      'the retry to be recorded',
    );
    expect(offer.attempts[0]).toMatchObject({ number: 1, outcome: 'failed', statusCode: null });
    expect(offer.attempts[0].error).toEqual(expect.any(String));
    expect(offer.attempts[0].durationMs).toBeGreaterThanOrEqual(TIMINGS.callbackTimeout - 100);
    expect(offer.attempts[1]).toMatchObject({ number: 2, outcome: 'delivered', statusCode: 200 });
    hook.release();
    await rig.revoke(tenant.owner, token.id);
  });

  it('does not follow a redirect: a 3xx is a failed attempt and the target is never called', async () => {
    const tenant = await rig.tenant('redirect');
    const target = rig.receiver.endpoint(`/hooks/${tenant.id}/moved`).trust(tenant.secret);
    const hook = rig.receiver
      .endpoint(`/hooks/${tenant.id}`)
      .trust(tenant.secret)
      .respondWith({ status: 307, headers: { location: target.url } });
    const token = await rig.createToken(tenant.owner, {
      name: 'redirecting-receiver',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });

    // A retry proves the redirect did not count as delivered.
    const retry = await hook.nthCallback(2, token.id);
    const offer = await rig.offer(
      tenant.owner,
      token.id,
      callbackBody(retry).offerId,
      (o) => o.attempts.length >= 1 && o.attempts[0].outcome !== null,
      'the redirected attempt to be recorded',
    );
    expect(offer.attempts[0]).toMatchObject({ number: 1, outcome: 'failed', statusCode: 307 });
    expect(offer.deliveredAt).toBeNull();
    expect(target.requests).toEqual([]);
    await rig.revoke(tenant.owner, token.id);
  });

  it('delivers after a restart when the worker is killed mid-delivery', async () => {
    const tenant = await rig.tenant('crash');
    const hook = rig.receiver
      .endpoint(`/hooks/${tenant.id}`)
      .trust(tenant.secret)
      .respondInTurn(['hold'], 200);
    const token = await rig.createToken(tenant.owner, {
      name: 'crash-proof',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });

    // The first delivery reaches the receiver, which does not answer; the worker dies waiting for it.
    const held = await hook.nthCallback(1, token.id);
    await rig.system.worker.kill();
    const first = callbackBody(held);
    expect(held.answeredWith).toBeUndefined();

    await rig.system.restart('worker');
    // The job's lock lapses (WORKER_JOB_LOCK_MS), the stalled check (WORKER_STALLED_INTERVAL_MS) takes it up.
    const redelivered = await hook.nthCallback(2, token.id, 60_000);
    signedAt(redelivered);
    const second = callbackBody(redelivered);
    expect(redelivered.answeredWith).toBe(200);
    expect(second.offerId).toBe(first.offerId);
    expect(second.key).not.toBe(first.key);
    expect(redelivered.receivedAt).toBeLessThan(ms(first.redeemBy));

    const offer = await rig.offer(
      tenant.owner,
      token.id,
      first.offerId,
      (o) => o.attempts.some((attempt) => attempt.outcome === 'delivered'),
      'the delivered attempt to be recorded',
    );
    expect(offer.attempts).toHaveLength(2);
    expect(offer.attempts[0].outcome).not.toBe('delivered');
    expect(offer.attempts[1]).toMatchObject({ number: 2, outcome: 'delivered', statusCode: 200 });
    expect(offer.deliveredAt).not.toBeNull();
    expect(callbacksOfOffer(hook.callbacksFor(token.id), first.offerId)).toHaveLength(2);

    const renewed = await rig.redeemed(second.key);
    expect(renewed.replaces.id).toBe(token.id);
    expect(await rig.verdict(renewed.token)).toBe('OK');
  });
});
