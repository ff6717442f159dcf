import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { VerifyReason, type VerifyResponse } from '@latchkey/contracts';
import { VerificationError } from '../verification/verification.errors';
import { VerifyHttpHandler } from '../verification/verify-http';
import { VERIFY_SECONDS_BUCKETS, VerifierMetrics } from './verifier-metrics';

const VERDICT = (reason: VerifyReason): VerifyResponse => ({
  valid: reason === VerifyReason.Ok,
  reason,
  tokenId: 'tok-secret-id',
  tenantId: 'tenant-secret-id',
  ownerId: 'owner-secret-id',
  expiresAt: null,
  effectivePermissions: [],
  resources: [],
});

/** `name{labels} value` lines of the exposition, as a map from the line's series to its value. */
async function samples(metrics: VerifierMetrics): Promise<Map<string, number>> {
  const text = await metrics.render();
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    map.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return map;
}

const count = (transport: string, reason: string) =>
  `latchkey_verifier_verify_duration_seconds_count{transport="${transport}",reason="${reason}"}`;

describe('VerifierMetrics', () => {
  let metrics: VerifierMetrics;

  beforeEach(() => {
    metrics = new VerifierMetrics(new Registry());
  });

  it('starts every reason × transport series at zero, so rates and alerts see the first event', async () => {
    const series = await samples(metrics);
    for (const transport of ['http', 'grpc']) {
      for (const reason of [...Object.values(VerifyReason), 'RATE_LIMITED', 'VERIFIER_UNAVAILABLE']) {
        expect([reason, series.get(count(transport, reason))]).toEqual([reason, 0]);
      }
    }
  });

  it('observes a verify under its transport and reason, in seconds since it arrived', async () => {
    metrics.verified('grpc', VerifyReason.Revoked, performance.now() - 3);
    metrics.verified('grpc', VerifyReason.Revoked, performance.now());
    metrics.verified('http', VerifyReason.Ok, performance.now());
    const series = await samples(metrics);
    expect(series.get(count('grpc', 'REVOKED'))).toBe(2);
    expect(series.get(count('http', 'OK'))).toBe(1);
    expect(series.get(count('http', 'REVOKED'))).toBe(0);
    // The 3 ms one is above the 2.5 ms bucket, the other is not.
    const bucket = (le: string) =>
      series.get(
        `latchkey_verifier_verify_duration_seconds_bucket{le="${le}",transport="grpc",reason="REVOKED"}`,
      );
    expect(bucket('0.0025')).toBe(1);
    expect(bucket('0.005')).toBe(2);
    expect(
      series.get('latchkey_verifier_verify_duration_seconds_sum{transport="grpc",reason="REVOKED"}'),
    ).toBeGreaterThanOrEqual(0.003);
  });

  it('renders a standard Prometheus histogram: cumulative buckets, +Inf equal to the count, the sum', async () => {
    for (const ms of [0.02, 0.3, 0.3, 7, 4000]) metrics.verified('http', 'EXPIRED', performance.now() - ms);
    const text = await metrics.render();
    expect(text).toContain('# TYPE latchkey_verifier_verify_duration_seconds histogram');
    const series = await samples(metrics);
    const buckets = VERIFY_SECONDS_BUCKETS.map((le) =>
      series.get(
        `latchkey_verifier_verify_duration_seconds_bucket{le="${le}",transport="http",reason="EXPIRED"}`,
      ),
    );
    // 20 µs, 0.3 ms twice, 7 ms, and 4 s (above the last bound: only in +Inf).
    expect(buckets).toEqual([1, 1, 1, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]);
    expect(
      series.get(
        'latchkey_verifier_verify_duration_seconds_bucket{le="+Inf",transport="http",reason="EXPIRED"}',
      ),
    ).toBe(5);
    expect(series.get(count('http', 'EXPIRED'))).toBe(5);
  });

  it('files an unknown reason under INTERNAL rather than growing a series per value', async () => {
    metrics.verified('http', 'SOMETHING_NEW', performance.now());
    const series = await samples(metrics);
    expect(series.get(count('http', 'INTERNAL'))).toBe(1);
    expect([...series.keys()].some((key) => key.includes('SOMETHING_NEW'))).toBe(false);
  });

  it('maps error codes to a bounded set of reasons', () => {
    expect(VerifierMetrics.errorReason('RATE_LIMITED')).toBe('RATE_LIMITED');
    expect(VerifierMetrics.errorReason('VERIFIER_UNAVAILABLE')).toBe('VERIFIER_UNAVAILABLE');
    expect(VerifierMetrics.errorReason('VALIDATION_FAILED')).toBe('INVALID_REQUEST');
    expect(VerifierMetrics.errorReason('PAYLOAD_TOO_LARGE')).toBe('INVALID_REQUEST');
    expect(VerifierMetrics.errorReason('INTERNAL')).toBe('INTERNAL');
    expect(VerifierMetrics.errorReason(undefined)).toBe('INTERNAL');
  });

  it('reads the memory tally when scraped and counts only what is new since the last scrape', async () => {
    const tally = { hits: 5, misses: 2 };
    metrics.readMemoryTally(() => tally);
    metrics.redisLookup(true);
    metrics.redisLookup(false);
    metrics.postgresLookup(false);
    let series = await samples(metrics);
    const lookups = (layer: string, result: string) =>
      series.get(`latchkey_verifier_cache_requests_total{layer="${layer}",result="${result}"}`);
    expect([lookups('memory', 'hit'), lookups('memory', 'miss')]).toEqual([5, 2]);
    expect([lookups('redis', 'hit'), lookups('redis', 'miss')]).toEqual([1, 1]);
    expect([lookups('postgres', 'hit'), lookups('postgres', 'miss')]).toEqual([0, 1]);
    tally.hits = 9;
    series = await samples(metrics);
    expect([lookups('memory', 'hit'), lookups('memory', 'miss')]).toEqual([9, 2]);
    series = await samples(metrics);
    expect(lookups('memory', 'hit')).toBe(9);
  });

  it('keeps the documented series: gauges read when scraped, rejected entries, errors', async () => {
    let entries = 3;
    metrics.registerGauge('latchkey_verifier_memory_cache_entries', 'Entries.', () => entries);
    metrics.cacheEntryRejected('member-state', 'forged');
    metrics.redisFailed('token-state');
    metrics.postgresFailed();
    entries = 4;
    const series = await samples(metrics);
    expect(series.get('latchkey_verifier_memory_cache_entries')).toBe(4);
    expect(
      series.get('latchkey_verifier_cache_entries_rejected_total{cache="member-state",reason="forged"}'),
    ).toBe(1);
    expect(series.get('latchkey_verifier_redis_errors_total{cache="token-state"}')).toBe(1);
    expect(series.get('latchkey_verifier_redis_errors_total{cache="tenant-state"}')).toBe(0);
    expect(series.get('latchkey_postgres_errors_total{source="token-store"}')).toBe(1);
  });
});

describe('the HTTP verify observed', () => {
  let server: Server;
  let metrics: VerifierMetrics;
  let answer: { now?: VerifyResponse; later: () => Promise<VerifyResponse> };

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  beforeEach(async () => {
    metrics = new VerifierMetrics(new Registry());
    answer = { later: () => Promise.resolve(VERDICT(VerifyReason.Ok)) };
    const handler = new VerifyHttpHandler(
      { verifyNow: () => answer.now, verify: () => answer.later() },
      () => 'peer',
      metrics,
    );
    server = createServer((request, response) => handler.handle(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = async (body: string) => {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.text();
    return response.status;
  };

  it('counts each answer once: a warm verdict, a loaded one, a refused request, 429 and 503', async () => {
    answer.now = VERDICT(VerifyReason.Ok);
    expect(await post('{"token":"lk_x"}')).toBe(200);
    answer.now = undefined;
    answer.later = () => Promise.resolve(VERDICT(VerifyReason.Revoked));
    expect(await post('{"token":"lk_x"}')).toBe(200);
    expect(await post('{"token":42}')).toBe(400);
    expect(await post('{"token":')).toBe(400);
    answer.later = () => Promise.reject(VerificationError.rateLimited(3));
    expect(await post('{"token":"lk_x"}')).toBe(429);
    answer.later = () => Promise.reject(VerificationError.unavailable());
    expect(await post('{"token":"lk_x"}')).toBe(503);

    const series = await samples(metrics);
    expect({
      ok: series.get(count('http', 'OK')),
      revoked: series.get(count('http', 'REVOKED')),
      invalid: series.get(count('http', 'INVALID_REQUEST')),
      limited: series.get(count('http', 'RATE_LIMITED')),
      unavailable: series.get(count('http', 'VERIFIER_UNAVAILABLE')),
      grpc: series.get(count('grpc', 'OK')),
    }).toEqual({ ok: 1, revoked: 1, invalid: 2, limited: 1, unavailable: 1, grpc: 0 });
    // No verdict's ids ever reach a label.
    expect(await metrics.render()).not.toMatch(/secret-id/);
  });
});
