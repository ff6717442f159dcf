import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { waitFor } from '@latchkey/testing';
import { generateToken } from '@latchkey/token-format';
import { startSystem, type RunningSystem, type VerifierInstance } from './support/system';

/**
 * Verification analytics (issue 14) on real services: every verdict on a known token, refusals included,
 * counted exactly per reason and caller across two verifiers under concurrent load; a verifier killed
 * with SIGKILL loses at most what it had not flushed and nothing is ever counted twice; the usage and
 * revoke-impact endpoints answer from those counts.
 */
describe('verification analytics', () => {
  let system: RunningSystem;
  let admin: string;
  const tenantId = `analytics-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    system = await startSystem({ verifiers: 2 });
    admin = await system.adminAuth({ tenantId, userId: 'ana', role: 'admin' });
  });

  afterAll(async () => {
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);

  async function createToken(name: string): Promise<{ id: string; token: string }> {
    const { body } = await issuer().post('/v1/tokens').set('Authorization', admin).send({ name }).expect(201);
    return { id: body.id as string, token: body.token as string };
  }

  interface Totals {
    total: number;
    ok: number;
    refused: number;
    byReason: Record<string, number>;
  }

  async function usage(id: string, query: Record<string, string> = {}) {
    const res = await issuer()
      .get(`/v1/tokens/${id}/usage`)
      .query({ granularity: 'minute', ...query })
      .set('Authorization', admin)
      .expect(200);
    return res.body as {
      totals: Totals;
      buckets: (Totals & { start: string })[];
      callers: { caller: string | null; count: number }[];
    };
  }

  /** Runs `jobs` with at most `concurrency` in flight. */
  async function pool(jobs: (() => Promise<unknown>)[], concurrency: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < jobs.length) await jobs[next++]();
      }),
    );
  }

  it('counts every verdict exactly, by reason and caller, across two verifiers under load', async () => {
    const live = await createToken('analytics-live');
    const revoked = await createToken('analytics-revoked');
    await issuer().post(`/v1/tokens/${revoked.id}/revoke`).set('Authorization', admin).expect(200);
    const [a, b] = system.verifiers;
    const on = (i: number): VerifierInstance => (i % 2 === 0 ? a : b);
    const expectReason = (reason: string) => (res: { body: { reason: string } }) =>
      expect(res.body.reason).toBe(reason);
    const jobs: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < 120; i++) {
      jobs.push(() =>
        on(i).verifyHttp(live.token, { caller: 'billing-api' }).expect(200).then(expectReason('OK')),
      );
    }
    for (let i = 0; i < 60; i++) {
      jobs.push(async () =>
        expect((await on(i).grpc.verify(live.token, {}, { 'latchkey-caller': 'crm-sync' })).reason).toBe(
          'OK',
        ),
      );
    }
    for (let i = 0; i < 40; i++) {
      jobs.push(() =>
        on(i)
          .verifyHttp(live.token, { requiredScopes: ['no-such:scope'] })
          .expect(200)
          .then(expectReason('INSUFFICIENT_SCOPE')),
      );
    }
    for (let i = 0; i < 30; i++) {
      jobs.push(async () =>
        expect((await on(i).grpc.verify(revoked.token, { caller: 'billing-api' })).reason).toBe('REVOKED'),
      );
    }
    // Verdicts that name no token: counted nowhere (no tenant can be told of them).
    for (let i = 0; i < 20; i++) {
      jobs.push(() => on(i).verifyHttp('garbage', { caller: 'billing-api' }).expect(200));
      jobs.push(() => on(i).verifyHttp(generateToken().token, { caller: 'billing-api' }).expect(200));
    }
    jobs.sort(() => Math.random() - 0.5);

    await pool(jobs, 16);

    await waitFor(async () => (await usage(live.id)).totals.total === 220, {
      what: '220 verdicts on the live token',
      timeoutMs: 20_000,
    });
    // Several flush intervals later, still exact: nothing counted twice.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const granularity of ['minute', 'hour', 'day']) {
      const shown = await usage(live.id, { granularity });
      expect(shown.totals).toEqual({
        total: 220,
        ok: 180,
        refused: 40,
        byReason: { OK: 180, INSUFFICIENT_SCOPE: 40 },
      });
    }
    const { callers } = await usage(live.id);
    expect(callers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caller: 'billing-api', count: 120 }),
        expect.objectContaining({ caller: 'crm-sync', count: 60 }),
        expect.objectContaining({ caller: null, count: 40 }),
      ]),
    );
    expect(callers).toHaveLength(3);
    expect((await usage(revoked.id)).totals).toMatchObject({
      total: 30,
      refused: 30,
      byReason: { REVOKED: 30 },
    });
    const token = await issuer().get(`/v1/tokens/${live.id}`).set('Authorization', admin).expect(200);
    expect(token.body.usageCount).toBe(180);

    const tenant = await issuer()
      .get('/v1/usage')
      .query({ granularity: 'hour' })
      .set('Authorization', admin)
      .expect(200);
    expect(tenant.body.totals).toMatchObject({ total: 250, ok: 180, refused: 70 });
    expect(tenant.body.tokens).toEqual([
      { tokenId: live.id, name: 'analytics-live', ok: 180, refused: 40 },
      { tokenId: revoked.id, name: 'analytics-revoked', ok: 0, refused: 30 },
    ]);
  });

  it('loses at most the unflushed interval of a SIGKILLed verifier and never counts twice', async () => {
    const { id, token } = await createToken('analytics-killed');
    const doomed = await system.startVerifier({ env: { USAGE_FLUSH_INTERVAL_MS: '200' } });
    await pool(
      Array.from({ length: 50 }, () => () => doomed.verifyHttp(token, { caller: 'batch-job' }).expect(200)),
      8,
    );
    await waitFor(async () => (await usage(id)).totals.total === 50, { what: 'the 50 flushed verdicts' });

    // Verified, then killed before (or while) the next flush: these may be lost, never doubled.
    await pool(
      Array.from({ length: 30 }, () => () => doomed.verifyHttp(token).expect(200)),
      8,
    );
    await doomed.process.kill();
    // The survivors keep counting, exactly.
    await pool(
      Array.from({ length: 20 }, (_, i) => () => system.verifiers[i % 2].verifyHttp(token).expect(200)),
      8,
    );
    await waitFor(async () => (await usage(id)).totals.total >= 70, { what: 'the survivors’ 20 verdicts' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const { totals, callers } = await usage(id);
    expect(totals.total).toBeGreaterThanOrEqual(70);
    expect(totals.total).toBeLessThanOrEqual(100);
    expect(totals.ok).toBe(totals.total);
    expect(callers).toEqual(
      expect.arrayContaining([expect.objectContaining({ caller: 'batch-job', count: 50 })]),
    );
    const shown = await issuer().get(`/v1/tokens/${id}`).set('Authorization', admin).expect(200);
    expect(shown.body.usageCount).toBeGreaterThanOrEqual(70);
    expect(shown.body.usageCount).toBeLessThanOrEqual(100);
  });

  it('refuses a bad caller name, over HTTP as problem+json and over gRPC as INVALID_ARGUMENT', async () => {
    const { token } = await createToken('analytics-caller-names');
    const [a] = system.verifiers;
    const res = await a.verifyHttp(token, { caller: 'bad name!' }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.body.errors).toEqual([expect.stringContaining('caller must match')]);
    await expect(a.grpc.verify(token, {}, { 'latchkey-caller': 'x'.repeat(65) })).rejects.toMatchObject({
      code: 3,
    });
  });

  it('answers the revoke-impact preview: last use, days, callers, successor in use, pending offers', async () => {
    const { id, token } = await createToken('analytics-rotated');
    await system.verifiers[0].verifyHttp(token, { caller: 'billing-api' }).expect(200);
    await waitFor(async () => (await usage(id)).totals.total === 1, { what: 'the verdict counted' });
    const rotated = await issuer()
      .post(`/v1/tokens/${id}/rotate`)
      .set('Authorization', admin)
      .send({ oldTokenExpiresIn: '24h' })
      .expect(201);
    const successorId = rotated.body.id as string;

    const before = await issuer().get(`/v1/tokens/${id}/impact`).set('Authorization', admin).expect(200);
    expect(before.body).toMatchObject({
      tokenId: id,
      status: 'active',
      successor: { id: successorId, inUse: false },
      pendingRenewalOffers: [],
      last30Days: { total: 1, ok: 1 },
    });
    expect(before.body.lastUsedAt).not.toBeNull();
    expect(before.body.verificationsPerDay).toHaveLength(30);
    expect(before.body.verificationsPerDay[29]).toMatchObject({ ok: 1, refused: 0 });
    expect(before.body.callers).toEqual([expect.objectContaining({ caller: 'billing-api', count: 1 })]);
    expect(before.body.warnings).toEqual(expect.arrayContaining(['USED_RECENTLY', 'SUCCESSOR_NOT_IN_USE']));

    await system.verifiers[1].verifyHttp(rotated.body.token).expect(200);
    const after = await waitFor(
      async () => {
        const res = await issuer().get(`/v1/tokens/${id}/impact`).set('Authorization', admin).expect(200);
        return res.body.successor?.inUse === true ? (res.body as { warnings: string[] }) : undefined;
      },
      { what: 'the successor in use' },
    );
    expect(after.warnings).not.toContain('SUCCESSOR_NOT_IN_USE');
  });

  it('keeps usage to the tenant and validates its ranges', async () => {
    const { id } = await createToken('analytics-private');
    const stranger = await system.adminAuth({ tenantId: `${tenantId}-other`, userId: 'eve', role: 'owner' });
    await issuer().get(`/v1/tokens/${id}/usage`).set('Authorization', stranger).expect(404);
    await issuer().get(`/v1/tokens/${id}/impact`).set('Authorization', stranger).expect(404);
    const elsewhere = await issuer().get('/v1/usage').set('Authorization', stranger).expect(200);
    expect(elsewhere.body.totals.total).toBe(0);

    const tooLong = await issuer()
      .get(`/v1/tokens/${id}/usage`)
      .query({ granularity: 'minute', from: '2026-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' })
      .set('Authorization', admin)
      .expect(400);
    expect(tooLong.body.code).toBe('USAGE_RANGE_INVALID');
    const backwards = await issuer()
      .get('/v1/usage')
      .query({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })
      .set('Authorization', admin)
      .expect(400);
    expect(backwards.body.code).toBe('USAGE_RANGE_INVALID');
    const badGranularity = await issuer()
      .get('/v1/usage')
      .query({ granularity: 'week' })
      .set('Authorization', admin)
      .expect(400);
    expect(badGranularity.body.code).toBe('VALIDATION_FAILED');
  });
});
