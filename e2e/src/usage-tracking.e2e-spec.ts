import request from 'supertest';
import { EventType, Topic, type TokenUsedEvent } from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';
import { EventTap } from './support/event-tap';
import { startSystem, type RunningSystem } from './support/system';

/**
 * Usage is summarised per token at most once per interval per verifier (seed 000: once per 60 s),
 * and a verifier that is shut down cleanly publishes what it counted before it exits.
 */
describe('usage tracking', () => {
  let system: RunningSystem;
  let tap: EventTap;

  beforeAll(async () => {
    // The seed's 60 s throttle, kept: nothing is published on the interval during this test.
    system = await startSystem({ env: { USAGE_FLUSH_INTERVAL_MS: '60000' } });
    tap = await EventTap.start(Topic.TokenUsage);
  });

  afterAll(async () => {
    await tap?.stop();
    await system?.close();
  });

  it('loses no count on a clean shutdown and sends one summary per token', async () => {
    const admin = await system.adminAuth({ tenantId: 'usage', userId: 'uma', role: 'admin' });
    const { body } = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'counted' })
      .expect(201);
    for (let i = 0; i < 5; i++) {
      expect((await system.verifyHttp(body.token)).body.reason).toBe('OK');
    }
    await system.grpc.verify(body.token);

    expect(await system.verifier.stop()).toBe(0);

    const summaries = () =>
      tap.events.filter((e): e is TokenUsedEvent => e.type === EventType.TokenUsed && e.subject === body.id);
    await waitFor(() => summaries().length > 0, { what: 'the TokenUsed summary' });
    const shown = await waitFor(
      async () => {
        const res = await request(system.issuer.url).get(`/v1/tokens/${body.id}`).set('Authorization', admin);
        return res.body.usageCount === 6 ? (res.body as { lastUsedAt: string | null }) : undefined;
      },
      { what: 'usageCount 6' },
    );
    expect(shown.lastUsedAt).not.toBeNull();
    expect(summaries()).toHaveLength(1);
    expect(summaries()[0].data).toMatchObject({ tokenId: body.id, count: 6 });
  });
});
