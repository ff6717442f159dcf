import { Inject, Injectable, Logger } from '@nestjs/common';
import { CacheEntrySigner } from '@latchkey/contracts';
import { CLOCK, type Clock } from '../clock';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { VerifierMetrics } from '../metrics/verifier-metrics';

/**
 * The verifier's side of the authenticated cache (`CacheEntrySigner` in libs/contracts): entries it adds
 * are sealed like the issuer's, and an entry read back is believed only if its MAC matches its key,
 * value and expiry under CACHE_SIGNING_KEY and it has not expired. Anything else is a miss, counted in
 * `latchkey_verifier_cache_entries_rejected_total` and logged (without the key).
 */
@Injectable()
export class SealedCacheEntries {
  private readonly logger = new Logger(SealedCacheEntries.name);
  private readonly signer: CacheEntrySigner;

  constructor(
    @Inject(VERIFIER_CONFIG) config: Pick<VerifierConfig, 'CACHE_SIGNING_KEY'>,
    /** Also what the shared caches count their lookups and failures in. */
    readonly metrics: VerifierMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.signer = new CacheEntrySigner(config.CACHE_SIGNING_KEY);
  }

  seal(redisKey: string, value: unknown, ttlSeconds: number): string {
    return this.signer.seal(redisKey, JSON.stringify(value), this.clock().getTime() + ttlSeconds * 1000);
  }

  /** The entry's JSON, or null (a miss) when it is not to be believed. */
  open(cache: string, redisKey: string, stored: string): string | null {
    const opened = this.signer.open(redisKey, stored, this.clock().getTime());
    if (opened.ok) return opened.json;
    this.metrics.cacheEntryRejected(cache, opened.reason);
    this.logger.warn(`${cache} cache entry not believed (${opened.reason}); treated as a miss`);
    return null;
  }
}
