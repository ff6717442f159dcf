import { Inject, Injectable } from '@nestjs/common';
import { type CachedTokenState, parseCachedTokenState, tokenStateKey } from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import type Redis from 'ioredis';
import { CLOCK, type Clock } from '../clock';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { BoundedNegativeCache } from './negative-cache';
import type { AddOnlyCache } from './read-through-cache';
import { SealedCacheEntries } from './sealed-cache-entries';

/**
 * The token-state cache, keyed by token hash. Known tokens live in the shared Redis, where the issuer
 * writes revocation tombstones and the verifier only ever adds entries that are missing. Entries are
 * sealed (`SealedCacheEntries`): one whose MAC does not match is a miss. A genuine entry is parsed with
 * the contracts' schema (an unreadable one rejects). Unknown hashes live in a bounded in-process cache
 * and never reach Redis.
 */
export type TokenStateCache = AddOnlyCache<string, CachedTokenState>;

export const TOKEN_STATE_CACHE = Symbol('TOKEN_STATE_CACHE');

@Injectable()
export class RedisTokenStateCache implements TokenStateCache {
  private readonly unknown: BoundedNegativeCache;

  constructor(
    @Inject(REDIS) private readonly redis: Pick<Redis, 'get' | 'set'>,
    @Inject(VERIFIER_CONFIG)
    private readonly config: Pick<VerifierConfig, 'REDIS_KEY_PREFIX' | 'NEGATIVE_CACHE_MAX_ENTRIES'>,
    private readonly sealed: SealedCacheEntries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.unknown = new BoundedNegativeCache(config.NEGATIVE_CACHE_MAX_ENTRIES);
  }

  async get(tokenHash: string): Promise<CachedTokenState | null> {
    if (this.unknown.has(tokenHash, this.clock().getTime())) return { found: false };
    const key = this.keyOf(tokenHash);
    const stored = await this.redis.get(key);
    const json = stored === null ? null : this.sealed.open('token-state', key, stored);
    return json === null ? null : parseCachedTokenState(json);
  }

  async putIfAbsent(tokenHash: string, state: CachedTokenState, ttlSeconds: number): Promise<boolean> {
    if (!state.found) {
      this.unknown.add(tokenHash, this.clock().getTime() + ttlSeconds * 1000);
      return true;
    }
    const key = this.keyOf(tokenHash);
    const answer = await this.redis.set(
      key,
      this.sealed.seal(key, state, ttlSeconds),
      'EX',
      ttlSeconds,
      'NX',
    );
    return answer === 'OK';
  }

  private keyOf(tokenHash: string): string {
    return tokenStateKey(this.config.REDIS_KEY_PREFIX, tokenHash);
  }
}
