import { Inject, Injectable } from '@nestjs/common';
import { type CachedTokenState, parseCachedTokenState, tokenStateKey } from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import type Redis from 'ioredis';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import type { AddOnlyCache } from './read-through-cache';
import { SealedCacheEntries } from './sealed-cache-entries';

/**
 * The shared token-state cache, keyed by token hash. The issuer writes revocation tombstones into it;
 * the verifier only ever adds entries that are missing. Entries are sealed (`SealedCacheEntries`): one
 * whose MAC does not match is a miss. A genuine entry is parsed with the contracts' schema (an
 * unreadable one rejects).
 */
export type TokenStateCache = AddOnlyCache<string, CachedTokenState>;

export const TOKEN_STATE_CACHE = Symbol('TOKEN_STATE_CACHE');

@Injectable()
export class RedisTokenStateCache implements TokenStateCache {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(VERIFIER_CONFIG) private readonly config: Pick<VerifierConfig, 'REDIS_KEY_PREFIX'>,
    private readonly sealed: SealedCacheEntries,
  ) {}

  async get(tokenHash: string): Promise<CachedTokenState | null> {
    const key = this.keyOf(tokenHash);
    const stored = await this.redis.get(key);
    const json = stored === null ? null : this.sealed.open('token-state', key, stored);
    return json === null ? null : parseCachedTokenState(json);
  }

  async putIfAbsent(tokenHash: string, state: CachedTokenState, ttlSeconds: number): Promise<boolean> {
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
