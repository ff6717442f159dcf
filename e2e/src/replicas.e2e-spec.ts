import request from 'supertest';
import { EventType, type LatchkeyEvent, Topic } from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';
import { bodyField } from './support/callback-receiver';
import { EventTap } from './support/event-tap';
import { type CreatedToken, expectStatus, letTimePass, RenewalRig, TIMINGS } from './support/renewals';
import type { ServiceProcess } from './support/service-process';

/**
 * Several issuers and workers at once, as a deployment runs them: one outbox relay publishes at a time
 * (a transaction-scoped advisory lock) and another takes over the moment its holder dies; the workers
 * share the Kafka groups and the BullMQ queues, so each renewal is scheduled once and each callback is
 * sent once, whichever worker takes it, and the survivors carry on when one stops.
 */
describe('replicas: two issuers and two workers', () => {
  let rig: RenewalRig;
  let tap: EventTap;
  let issuerReplica: ServiceProcess;

  beforeAll(async () => {
    rig = await RenewalRig.start();
    tap = await EventTap.start(Topic.TokenLifecycle);
    [issuerReplica] = await Promise.all([
      rig.system.startReplica('issuer'),
      rig.system.startReplica('worker'),
    ]);
  });

  afterAll(async () => {
    await tap?.stop();
    await rig?.close();
  });

  const created = (tenantId: string) => (event: LatchkeyEvent) =>
    event.tenantId === tenantId && event.type === EventType.TokenCreated;

  async function createOn(issuerUrl: string, auth: string, name: string): Promise<CreatedToken> {
    const res = await request(issuerUrl)
      .post('/v1/tokens')
      .set('Authorization', auth)
      .send({ name, expiresIn: '30d', scopes: ['*'] });
    expectStatus(res, 201, `POST /v1/tokens on ${issuerUrl}`);
    return res.body as CreatedToken;
  }

  it('publishes every event once with two relays, and a survivor publishes what a killed issuer committed', async () => {
    const tenant = await rig.tenant('relays', { signingSecret: false });
    const issuers = [rig.system.issuer.url, issuerReplica.url];
    const first = await Promise.all(
      Array.from({ length: 40 }, (_, i) => createOn(issuers[i % 2], tenant.owner, `both-${i}`)),
    );

    const ids = new Set(first.map((token) => token.id));
    await waitFor(() => tap.events.filter(created(tenant.id)).length >= ids.size || undefined, {
      timeoutMs: 30_000,
      what: 'the 40 TokenCreated events',
    });
    await letTimePass(1_000); // a second relay publishing a row again would show by now
    const published = tap.events.filter(created(tenant.id));
    // Two live relays: each change exactly once (the lock lets one publish at a time).
    expect(published.map((event) => (event.data as { tokenId: string }).tokenId).sort()).toEqual(
      [...ids].sort(),
    );
    expect(new Set(published.map((event) => event.id)).size).toBe(published.length);

    // Commits on the first issuer, then it dies at once (no drain): its relay may not have published them.
    const late = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createOn(rig.system.issuer.url, tenant.owner, `late-${i}`)),
    );
    await rig.system.issuer.kill();
    const lateIds = new Set(late.map((token) => token.id));
    const lateEvents = () =>
      tap.events
        .filter(created(tenant.id))
        .filter((event) => lateIds.has((event.data as { tokenId: string }).tokenId));
    await waitFor(() => lateEvents().length >= lateIds.size || undefined, {
      timeoutMs: 30_000,
      what: 'the surviving relay to publish the killed issuer’s events',
    });
    await letTimePass(1_000);
    // At least once: a relay killed between Kafka's ack and its commit leaves the row unpublished, and the
    // survivor sends it again under the same event id (consumers apply an id once). One id per change.
    const idsByToken = new Map<string, Set<string>>();
    for (const event of lateEvents()) {
      const tokenId = (event.data as { tokenId: string }).tokenId;
      idsByToken.set(tokenId, (idsByToken.get(tokenId) ?? new Set<string>()).add(event.id));
    }
    expect([...idsByToken.keys()].sort()).toEqual([...lateIds].sort());
    expect([...idsByToken.values()].every((eventIds) => eventIds.size === 1)).toBe(true);

    // The survivor answers and publishes on its own; the killed issuer comes back and joins it.
    const after = await createOn(issuerReplica.url, tenant.owner, 'after-kill');
    await tap.next(
      (event) => created(tenant.id)(event) && (event.data as { tokenId: string }).tokenId === after.id,
    );
    await rig.system.restart('issuer');
  });

  it('schedules each renewal once and sends each callback once across two workers, and carries on when one stops', async () => {
    const tenant = await rig.tenant('workers');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const createRenewing = (name: string) =>
      request(issuerReplica.url)
        .post('/v1/tokens')
        .set('Authorization', tenant.owner)
        .send({ name, expiresIn: '90d', scopes: ['*'], autoRenewal: { everyDays: 1, callbackUrl: hook.url } })
        .then((res) => {
          expectStatus(res, 201, 'POST /v1/tokens with auto-renewal');
          return res.body as CreatedToken;
        });
    const callbacksOf = (tokenId: string) =>
      hook.requests.filter((received) => bodyField(received, 'tokenId') === tokenId);
    // Within one redeem window no second offer is due, so more than one callback would be a duplicate.
    const expectOneCallbackEach = async (tokens: CreatedToken[]) => {
      await waitFor(() => tokens.every((token) => callbacksOf(token.id).length >= 1) || undefined, {
        timeoutMs: 30_000,
        what: 'a renewal callback for every token',
      });
      await letTimePass(TIMINGS.window / 2);
      for (const token of tokens) expect(callbacksOf(token.id)).toHaveLength(1);
    };

    await expectOneCallbackEach(
      await Promise.all(Array.from({ length: 12 }, (_, i) => createRenewing(`r-${i}`))),
    );

    // One worker leaves (a rolling deploy): the other takes its partitions and its queue's jobs.
    await rig.system.worker.stop();
    await expectOneCallbackEach(
      await Promise.all(Array.from({ length: 6 }, (_, i) => createRenewing(`s-${i}`))),
    );
  });
});
