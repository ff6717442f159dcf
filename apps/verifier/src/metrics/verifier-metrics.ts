import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Counter, Registry } from 'prom-client';
import { type CacheEntryRejection, VerifyReason } from '@latchkey/contracts';
import { counterIn, gaugeIn, METRICS_REGISTRY, postgresErrors } from '@latchkey/service-runtime';
import { VerificationErrorCode } from '../verification/verification.errors';
import { FixedLabelHistogram, type HistogramCell } from './verify-histogram';

/** How a verify arrived. */
export type VerifyTransport = 'http' | 'grpc';

/** Where a token's state was looked up: this process's memory, the shared Redis cache, Postgres. */
export type CacheLayer = 'memory' | 'redis' | 'postgres';

/** In-process lookups, counted as plain integers on the hot path and read when scraped. */
export interface LookupTally {
  readonly hits: number;
  readonly misses: number;
}

/**
 * Seconds: a warm verify answers from memory in tens of microseconds, a cold one reads Redis or
 * Postgres in milliseconds.
 */
export const VERIFY_SECONDS_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/**
 * The answers a verify can end in besides a verdict: 429, 503, a request refused before verifying (any
 * 4xx problem: validation, body, encoding), or an unexpected error.
 */
const ERROR_REASONS: readonly string[] = [
  VerificationErrorCode.RateLimited,
  VerificationErrorCode.Unavailable,
  'INVALID_REQUEST',
  'INTERNAL',
];

/**
 * The verifier's series in its registry (`GET /metrics`, Prometheus text). No series names a tenant, a
 * token or a caller: labels are bounded sets (reason, transport, cache, layer).
 *
 * The verify path observes into histogram cells bound once per transport × reason (`FixedLabelHistogram`:
 * plain arithmetic, no label hashing) and counts memory lookups as plain integers read at scrape time:
 * a verify allocates nothing for metrics and never waits on anything.
 */
@Injectable()
export class VerifierMetrics {
  private readonly rejected: Counter<'cache' | 'reason'>;
  private readonly lookups: Counter<'layer' | 'result'>;
  private readonly redisHit: Counter.Internal;
  private readonly redisMiss: Counter.Internal;
  private readonly postgresHit: Counter.Internal;
  private readonly postgresMiss: Counter.Internal;
  private readonly redisErrors: Counter<'cache'>;
  /** Failed token-store queries: the verify then answers 503 VERIFIER_UNAVAILABLE. */
  private readonly postgresErrors: { inc(): void };
  private readonly duration: FixedLabelHistogram;
  private readonly observers: Record<VerifyTransport, Map<string, HistogramCell>>;
  /** Memory lookups counted so far, and how many of them the counter has been given. */
  private memoryTally: () => LookupTally = () => ({ hits: 0, misses: 0 });
  private readonly memoryReported = { hits: 0, misses: 0 };

  /** Without the app's registry (module specs), series go to a registry of their own. */
  constructor(@Optional() @Inject(METRICS_REGISTRY) private readonly registry: Registry = new Registry()) {
    this.rejected = counterIn(registry, {
      name: 'latchkey_verifier_cache_entries_rejected_total',
      help: 'Cache entries not believed (bad MAC, expired, malformed); each was treated as a miss.',
      labelNames: ['cache', 'reason'],
    });
    this.duration = new FixedLabelHistogram(
      registry,
      'latchkey_verifier_verify_duration_seconds',
      'Verify calls from request to answer, by transport (http, grpc) and reason: the verdict (OK, REVOKED, …) or the error answered (RATE_LIMITED, VERIFIER_UNAVAILABLE, INVALID_REQUEST, INTERNAL).',
      VERIFY_SECONDS_BUCKETS,
    );
    this.observers = { http: new Map(), grpc: new Map() };
    for (const transport of ['http', 'grpc'] as const) {
      for (const reason of [...Object.values(VerifyReason), ...ERROR_REASONS]) {
        this.observers[transport].set(
          reason,
          this.duration.cell(`${transport} ${reason}`, { transport, reason }),
        );
      }
    }
    const tallies = { read: () => this.memoryTally(), reported: this.memoryReported };
    this.lookups = counterIn(registry, {
      name: 'latchkey_verifier_cache_requests_total',
      help: 'Token-state lookups by layer (memory, redis, postgres) and result (hit: answered there; miss: asked the next layer). A Postgres miss is a token that does not exist.',
      labelNames: ['layer', 'result'],
      collect() {
        const now = tallies.read();
        const before = tallies.reported;
        if (now.hits > before.hits) this.inc({ layer: 'memory', result: 'hit' }, now.hits - before.hits);
        if (now.misses > before.misses) {
          this.inc({ layer: 'memory', result: 'miss' }, now.misses - before.misses);
        }
        before.hits = Math.max(before.hits, now.hits);
        before.misses = Math.max(before.misses, now.misses);
      },
    });
    for (const layer of ['memory', 'redis', 'postgres']) {
      for (const result of ['hit', 'miss']) this.lookups.inc({ layer, result }, 0);
    }
    this.redisHit = this.lookups.labels('redis', 'hit');
    this.redisMiss = this.lookups.labels('redis', 'miss');
    this.postgresHit = this.lookups.labels('postgres', 'hit');
    this.postgresMiss = this.lookups.labels('postgres', 'miss');
    this.redisErrors = counterIn(registry, {
      name: 'latchkey_verifier_redis_errors_total',
      help: 'Shared-cache reads that failed (Redis unreachable, timed out); each was answered from Postgres.',
      labelNames: ['cache'],
    });
    this.postgresErrors = postgresErrors(registry, 'token-store');
    for (const cache of ['token-state', 'member-state', 'tenant-state']) this.redisErrors.inc({ cache }, 0);
  }

  /** Where memory lookups are tallied (the verdict memory's counters), read at each scrape. */
  readMemoryTally(read: () => LookupTally): void {
    this.memoryTally = read;
  }

  /** A value read when scraped, e.g. how many entries a cache holds. */
  registerGauge(name: string, help: string, read: () => number): void {
    gaugeIn(this.registry, {
      name,
      help,
      collect() {
        this.set(read());
      },
    });
  }

  /** A verify answered: `startedAt` is `performance.now()` when the request arrived. */
  verified(transport: VerifyTransport, reason: string, startedAt: number): void {
    const seconds = (performance.now() - startedAt) / 1000;
    const observer = this.observers[transport].get(reason) ?? this.observers[transport].get('INTERNAL');
    observer?.observe(seconds);
  }

  /** The reason label for a verify that ended in an error (`code` from the problem or the error). */
  static errorReason(code: string | undefined): string {
    if (code === undefined) return 'INTERNAL';
    return ERROR_REASONS.includes(code) ? code : 'INVALID_REQUEST';
  }

  /** A shared-cache (Redis) lookup of a token's state. */
  redisLookup(hit: boolean): void {
    (hit ? this.redisHit : this.redisMiss).inc();
  }

  /** A Postgres lookup of a token's state: a miss is a token that does not exist. */
  postgresLookup(found: boolean): void {
    (found ? this.postgresHit : this.postgresMiss).inc();
  }

  redisFailed(cache: string): void {
    this.redisErrors.inc({ cache });
  }

  /** A token-store query failed. */
  postgresFailed(): void {
    this.postgresErrors.inc();
  }

  /** A cache entry that was not believed (treated as a miss). */
  cacheEntryRejected(cache: string, reason: CacheEntryRejection): void {
    this.rejected.inc({ cache, reason });
  }

  /** The Prometheus text of the whole registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
