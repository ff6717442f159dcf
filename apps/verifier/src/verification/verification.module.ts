import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, RedisRateLimiter } from '@latchkey/service-runtime';
import { type Clock, CLOCK, systemClock } from '../clock';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { MetricsModule } from '../metrics/metrics.module';
import { VerifierMetrics } from '../metrics/verifier-metrics';
import { UsageModule } from '../usage/usage.module';
import { CachedOwnerDirectory, OWNER_DIRECTORY } from './owner-directory';
import { REFUSAL_LIMITER, RefusalLimiter } from './refusal-limiter';
import { SealedCacheEntries } from './sealed-cache-entries';
import { CachedTenantDirectory, TENANT_DIRECTORY } from './tenant-directory';
import { RedisTokenStateCache, TOKEN_STATE_CACHE } from './token-state-cache';
import { PostgresTokenStore, TOKEN_STORE } from './token-store';
import { VerificationService } from './verification.service';

@Module({
  imports: [UsageModule, MetricsModule],
  providers: [
    VerificationService,
    SealedCacheEntries,
    { provide: TOKEN_STATE_CACHE, useClass: RedisTokenStateCache },
    { provide: TOKEN_STORE, useClass: PostgresTokenStore },
    { provide: OWNER_DIRECTORY, useClass: CachedOwnerDirectory },
    { provide: TENANT_DIRECTORY, useClass: CachedTenantDirectory },
    { provide: CLOCK, useValue: systemClock },
    {
      provide: REFUSAL_LIMITER,
      inject: [REDIS, VERIFIER_CONFIG, CLOCK],
      useFactory: (redis: Redis, config: VerifierConfig, clock: Clock) => {
        const limiter = new RedisRateLimiter(redis, config.REDIS_KEY_PREFIX);
        return new RefusalLimiter(
          (caller, refusals) =>
            limiter.hit('verify-refusals', caller, config.VERIFY_REFUSAL_RATE_LIMIT, refusals),
          clock,
        );
      },
    },
  ],
  exports: [VerificationService],
})
export class VerificationModule implements OnModuleInit {
  constructor(
    @Inject(TOKEN_STATE_CACHE) private readonly tokenStates: RedisTokenStateCache,
    private readonly metrics: VerifierMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.registerGauge(
      'latchkey_verifier_negative_cache_entries',
      'Unknown token hashes remembered in this process.',
      () => this.tokenStates.unknownEntries,
    );
  }
}
