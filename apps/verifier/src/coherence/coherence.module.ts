import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
} from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { REDIS } from '@latchkey/service-runtime';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { PG_POOL } from '../infrastructure/postgres';
import { MetricsModule } from '../metrics/metrics.module';
import { VerifierMetrics } from '../metrics/verifier-metrics';
import { CacheLease } from './cache-lease';
import { PostgresEpochSource, RedisLeaseTransport } from './redis-lease-transport';
import { VerdictMemory } from './verdict-memory';

export const CACHE_LEASE = Symbol('CACHE_LEASE');

/** Starts the lease with the app, and gives it up before the connections close. */
@Injectable()
class CacheLeaseLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    @Inject(CACHE_LEASE) private readonly lease: CacheLease,
    private readonly metrics: VerifierMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    const { lease, metrics } = this;
    metrics.registerGauge(
      'latchkey_verifier_cache_lease_trusted',
      '1 while this verifier holds its cache lease and answers from memory and Redis; 0 while it reads Postgres only.',
      () => (lease.trusted() ? 1 : 0),
    );
    metrics.registerGauge(
      'latchkey_verifier_memory_cache_entries',
      'Token states and member standings held in this process.',
      () => lease.memory.size,
    );
    metrics.registerGauge(
      'latchkey_verifier_memory_cache_bytes',
      'Estimated bytes those entries take.',
      () => lease.memory.estimatedBytes,
    );
    metrics.readMemoryTally(() => lease.memory.tokenLookups);
    await this.lease.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.lease.stop();
  }
}

/** The verifier's lease on its caches and the in-process memory it guards (`CacheLease`). */
@Global()
@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: CACHE_LEASE,
      inject: [REDIS, PG_POOL, VERIFIER_CONFIG],
      useFactory: (redis: Redis, pool: Pool, config: VerifierConfig) =>
        new CacheLease(
          new RedisLeaseTransport(redis, {
            redisPrefix: config.REDIS_KEY_PREFIX,
            instanceId: config.VERIFIER_INSTANCE_ID,
            leaseMs: config.CACHE_LEASE_MS,
          }),
          new PostgresEpochSource(pool),
          {
            leaseMs: config.CACHE_LEASE_MS,
            instanceId: config.VERIFIER_INSTANCE_ID,
            redisPrefix: config.REDIS_KEY_PREFIX,
            signingKey: config.CACHE_SIGNING_KEY,
            memory: {
              maxEntries: config.VERIFIER_MEMORY_CACHE_MAX_ENTRIES,
              maxBytes: config.VERIFIER_MEMORY_CACHE_MAX_BYTES,
              ttlMs: config.TOKEN_CACHE_TTL_SECONDS * 1000,
            },
          },
        ),
    },
    { provide: VerdictMemory, inject: [CACHE_LEASE], useFactory: (lease: CacheLease) => lease.memory },
    CacheLeaseLifecycle,
  ],
  exports: [CACHE_LEASE, VerdictMemory],
})
export class CoherenceModule {}
