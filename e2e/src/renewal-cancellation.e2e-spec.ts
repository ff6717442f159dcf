import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { EventType, type TokenCreatedEvent, Topic, topicName } from '@latchkey/contracts';
import { toMessage } from '@latchkey/messaging';
import { EventTap } from './support/event-tap';
import {
  callbackBody,
  callbacksOfOffer,
  CLOCK_SLACK_MS,
  letTimePass,
  ms,
  RenewalRig,
  TIMINGS,
} from './support/renewals';

/**
 * Revoking a token cancels its pending renewals and callbacks; an event delivered twice schedules nothing
 * twice (issue 4).
 */
describe('auto-renewal: cancellation and duplicate events', () => {
  let rig: RenewalRig;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    rig = await RenewalRig.start();
    tap = await EventTap.start(Topic.TokenLifecycle);
    producer = new Kafka({
      clientId: 'e2e-duplicates',
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await tap?.stop();
    await rig?.close();
  });

  it('stops retries on revoke, cancels the offer, and its keys answer 410 RENEWAL_KEY_CANCELLED', async () => {
    const tenant = await rig.tenant('revoke-retrying');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret).respondWith(503);
    const token = await rig.createToken(tenant.owner, {
      name: 'revoked-mid-delivery',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });

    // Retries are under way (the receiver keeps failing) when the token is revoked.
    const firstTry = callbackBody(await hook.nthCallback(2, token.id));
    await rig.revoke(tenant.owner, token.id);
    const revokedAt = Date.now();

    const offer = await rig.offer(
      tenant.owner,
      token.id,
      firstTry.offerId,
      (o) => o.status === 'cancelled',
      'the offer to be cancelled',
    );
    expect(offer).toMatchObject({ redeemedAt: null, newTokenId: null });
    const refused = await rig.redeem({ key: firstTry.key });
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('RENEWAL_KEY_CANCELLED');

    // Proving an absence: wait past the point where a new offer would have been due had the window simply
    // expired (window end + re-callback delay), with margin. Only an attempt already on the wire when the
    // revoke returned may still arrive, within moments.
    await letTimePass(ms(offer.windowEndsAt) + TIMINGS.recallbackDelay + 2_000 - Date.now());
    const afterRevoke = hook.callbacksFor(token.id).filter((r) => r.receivedAt > revokedAt + 500);
    expect(afterRevoke).toEqual([]);
    const offers = await rig.renewals(tenant.owner, token.id);
    expect(offers.map((o) => ({ id: o.id, status: o.status }))).toEqual([
      { id: firstTry.offerId, status: 'cancelled' },
    ]);
    expect(offers[0].attempts.every((attempt) => attempt.outcome !== 'delivered')).toBe(true);
  });

  it('sends no callback at all for a token revoked before its renewal was due', async () => {
    const tenant = await rig.tenant('revoke-early');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const token = await rig.createToken(tenant.owner, {
      name: 'revoked-early',
      autoRenewal: { everyDays: 2, callbackUrl: hook.url },
    });
    const dueAt = ms(token.autoRenewal?.nextRenewalAt ?? '');
    await rig.revoke(tenant.owner, token.id);

    // Proving an absence: wait until the renewal was due, and as long again, for a callback that must not come.
    await letTimePass(dueAt + 2 * TIMINGS.day - Date.now());
    expect(hook.callbacksFor(token.id)).toEqual([]);
    expect(await rig.renewals(tenant.owner, token.id)).toEqual([]);
  });

  it('schedules once when TokenCreated is delivered again, with the same id or a new one', async () => {
    const tenant = await rig.tenant('duplicates');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    // Due in 6 s: the duplicates are on the topic well before the renewal is due.
    const token = await rig.createToken(tenant.owner, {
      name: 'delivered-twice',
      autoRenewal: { everyDays: 4, callbackUrl: hook.url },
    });
    const nextRenewalAt = token.autoRenewal?.nextRenewalAt ?? '';

    const created = (await tap.next(
      (e) => e.type === EventType.TokenCreated && e.subject === token.id,
    )) as TokenCreatedEvent;
    expect(created.data.autoRenewal).toMatchObject({ everyDays: 4, callbackUrl: hook.url });
    expect(ms(created.data.autoRenewal?.nextRenewalAt ?? '')).toBe(ms(nextRenewalAt));
    const redelivered: TokenCreatedEvent = { ...created, id: randomUUID() };
    await producer.send({
      topic: topicName(Topic.TokenLifecycle, process.env.KAFKA_TOPIC_PREFIX),
      messages: [toMessage(created), toMessage(redelivered)],
    });
    expect(Date.now()).toBeLessThan(ms(nextRenewalAt) - CLOCK_SLACK_MS);

    const first = await hook.nthCallback(1, token.id, 30_000);
    const { offerId } = callbackBody(first);
    // Proving an absence: a second scheduling of the same due time would have called back at the same
    // moment; 3 s is several times the retry cap and well within the window.
    await letTimePass(3_000);
    expect(callbacksOfOffer(hook.callbacksFor(token.id), offerId)).toHaveLength(1);
    expect(hook.callbacksFor(token.id)).toHaveLength(1);
    const offers = await rig.renewals(tenant.owner, token.id);
    const forDueTime = offers.filter((o) => ms(o.dueAt) === ms(nextRenewalAt));
    expect(forDueTime.map((o) => o.id)).toEqual([offerId]);
    expect(forDueTime[0].attempts).toHaveLength(1);

    await rig.revoke(tenant.owner, token.id);
  });
});
