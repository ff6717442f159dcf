import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { generateToken } from '@latchkey/token-format';
import { waitFor } from '@latchkey/testing';
import { Scrape } from './support/prometheus-text';
import { startSystem, type RunningSystem } from './support/system';

const VERIFY_COUNT = 'latchkey_verifier_verify_duration_seconds_count';
const REASONS = [
  'OK',
  'MALFORMED',
  'NOT_FOUND',
  'REVOKED',
  'EXPIRED',
  'RATE_LIMITED',
  'VERIFIER_UNAVAILABLE',
];

/**
 * `GET /metrics` on issuer, verifier and worker (Prometheus text, prom-client): scraped before and after
 * a create, verifications over both transports (accepted and refused) and a revoke, the verify series
 * move by exactly what was done, and the other series the dashboard and the alerts read are there.
 */
describe('metrics on every service', () => {
  let system: RunningSystem;
  let admin: string;
  const tenantId = `metrics-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.adminAuth({ tenantId, userId: 'mia', role: 'admin' });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('counts verifications by reason and transport, and exposes the series of every service', async () => {
    const before = await Scrape.of(system.verifier.url);
    for (const transport of ['http', 'grpc']) {
      for (const reason of REASONS) expect(before.has(VERIFY_COUNT, { transport, reason })).toBe(true);
    }

    const created = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'metrics-probe', scopes: ['*'] })
      .expect(201);
    const { token, id } = created.body as { token: string; id: string };

    expect((await system.verifyHttp(token).expect(200)).body).toMatchObject({ valid: true, reason: 'OK' });
    expect(await system.grpc.verify(token)).toMatchObject({ valid: true, reason: 'OK' });
    expect(await system.grpc.verify(token)).toMatchObject({ valid: true, reason: 'OK' });
    expect((await system.verifyHttp('lk_not-a-token').expect(200)).body).toMatchObject({
      reason: 'MALFORMED',
    });
    expect(await system.grpc.verify(generateToken().token)).toMatchObject({ reason: 'NOT_FOUND' });
    await request(system.verifier.url).post('/v1/verify').send({ token: 42 }).expect(400);
    await request(system.issuer.url).post(`/v1/tokens/${id}/revoke`).set('Authorization', admin).expect(200);
    expect((await system.verifyHttp(token).expect(200)).body).toMatchObject({ reason: 'REVOKED' });

    const after = await Scrape.of(system.verifier.url);
    const moved = (transport: string, reason: string) =>
      after.sum(VERIFY_COUNT, { transport, reason }) - before.sum(VERIFY_COUNT, { transport, reason });
    expect({
      httpOk: moved('http', 'OK'),
      grpcOk: moved('grpc', 'OK'),
      httpMalformed: moved('http', 'MALFORMED'),
      grpcNotFound: moved('grpc', 'NOT_FOUND'),
      httpInvalid: moved('http', 'INVALID_REQUEST'),
      httpRevoked: moved('http', 'REVOKED'),
      grpcRevoked: moved('grpc', 'REVOKED'),
      httpNotFound: moved('http', 'NOT_FOUND'),
      unavailable: moved('http', 'VERIFIER_UNAVAILABLE') + moved('grpc', 'VERIFIER_UNAVAILABLE'),
    }).toEqual({
      httpOk: 1,
      grpcOk: 2,
      httpMalformed: 1,
      grpcNotFound: 1,
      httpInvalid: 1,
      httpRevoked: 1,
      grpcRevoked: 0,
      httpNotFound: 0,
      unavailable: 0,
    });
    // Seven verifications in all; the histogram's buckets hold each once.
    expect(after.sum(VERIFY_COUNT) - before.sum(VERIFY_COUNT)).toBe(7);
    expect(
      after.sum('latchkey_verifier_verify_duration_seconds_bucket', { le: '+Inf' }) -
        before.sum('latchkey_verifier_verify_duration_seconds_bucket', { le: '+Inf' }),
    ).toBe(7);

    // Every verify of a well-formed token looked in memory once (five of them): a hit or a miss.
    const memory = (scrape: Scrape) =>
      scrape.sum('latchkey_verifier_cache_requests_total', { layer: 'memory' });
    expect(memory(after) - memory(before)).toBe(5);
    // The first verify of the new token missed memory and Redis (nothing cached yet) and found it in Postgres.
    for (const layer of ['redis', 'postgres']) {
      for (const result of ['hit', 'miss']) {
        expect(after.has('latchkey_verifier_cache_requests_total', { layer, result })).toBe(true);
      }
    }
    expect(
      after.sum('latchkey_verifier_cache_requests_total', { layer: 'postgres', result: 'hit' }),
    ).toBeGreaterThanOrEqual(1);
    expect(after.find('latchkey_verifier_cache_lease_trusted')[0]?.value).toBe(1);
    for (const name of [
      'latchkey_verifier_memory_cache_entries',
      'latchkey_verifier_memory_cache_bytes',
      'latchkey_verifier_negative_cache_entries',
      'latchkey_verifier_redis_errors_total',
      'latchkey_postgres_errors_total',
      'latchkey_redis_errors_total',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect([name, after.has(name)]).toEqual([name, true]);
    }

    // The issuer: the outbox is read at scrape time; its consumers (audit and usage groups) report
    // handled events, lag and dead letters.
    const handledBy = (scrape: Scrape, group: string) =>
      scrape
        .find('latchkey_kafka_consumer_messages_total', { outcome: 'handled' })
        .filter((sample) => sample.labels.group.startsWith(group))
        .reduce((total, sample) => total + sample.value, 0);
    const issuer = await waitFor(
      async () => {
        const scrape = await Scrape.of(system.issuer.url);
        return handledBy(scrape, 'audit-') > 0 && handledBy(scrape, 'issuer-') > 0 ? scrape : undefined;
      },
      { what: 'the issuer consumers count handled events' },
    );
    expect(issuer.has('latchkey_issuer_outbox_backlog')).toBe(true);
    expect(issuer.has('latchkey_issuer_outbox_lag_seconds')).toBe(true);
    expect(issuer.find('latchkey_issuer_outbox_lag_seconds')[0].value).toBeGreaterThanOrEqual(0);
    expect(issuer.has('latchkey_kafka_dead_letters_total', { cause: 'malformed' })).toBe(true);
    expect(issuer.has('latchkey_kafka_consumer_lag')).toBe(true);
    expect(issuer.find('latchkey_metrics_collect_failures_total', { collector: 'outbox' })).toEqual([
      expect.objectContaining({ value: 0 }),
    ]);
    expect(issuer.has('process_cpu_seconds_total')).toBe(true);

    // The worker: queue depths by state, job outcomes, callback and mail outcomes, its consumer group.
    const worker = await waitFor(
      async () => {
        const scrape = await Scrape.of(system.worker.url);
        return handledBy(scrape, 'worker-') > 0 ? scrape : undefined;
      },
      { what: 'the worker consumer counts the lifecycle events' },
    );
    for (const queue of ['renewal-due', 'renewal-callback', 'expiry-reminder', 'mail']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect([queue, state, worker.has('latchkey_worker_queue_jobs', { queue, state })]).toEqual([
          queue,
          state,
          true,
        ]);
      }
      expect(worker.has('latchkey_worker_jobs_total', { queue, outcome: 'failed' })).toBe(true);
    }
    expect(worker.has('latchkey_worker_callback_deliveries_total', { outcome: 'delivered' })).toBe(true);
    expect(worker.has('latchkey_kafka_dead_letters_total', { cause: 'handler-failed' })).toBe(true);
    expect(worker.has('latchkey_kafka_consumer_lag')).toBe(true);
    expect(worker.has('latchkey_redis_errors_total', { connection: 'queues' })).toBe(true);
    expect(worker.has('process_cpu_seconds_total')).toBe(true);

    // No tenant, token or owner id is ever a label (cardinality, privacy).
    for (const scrape of [after, issuer, worker]) {
      expect(scrape.text).not.toContain(tenantId);
      expect(scrape.text).not.toContain(id);
      expect(scrape.text).not.toContain('mia');
    }
  });
});
