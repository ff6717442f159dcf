import { Inject, Injectable } from '@nestjs/common';
import { type CachedTokenState, parseCachedTokenState, tokenStateKey } from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import type Redis from 'ioredis';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import type { AddOnlyCache } from './read-through-cache';

/**
 * The shared token-state cache, keyed by token hash. The issuer writes revocation tombstones into it;
 * the verifier only ever adds entries that are missing. Entries are parsed with the contracts' schema
 * (an unreadable one rejects).
 */
export type TokenStateCache = AddOnlyCache<string, CachedTokenState>;

export const TOKEN_STATE_CACHE = Symbol('TOKEN_STATE_CACHE');

@Injectable()
export class RedisTokenStateCache implements TokenStateCache {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(VERIFIER_CONFIG) private readonly config: Pick<VerifierConfig, 'REDIS_KEY_PREFIX'>,
  ) {}

  async get(tokenHash: string): Promise<CachedTokenState | null> {
    const raw = await this.redis.get(this.keyOf(tokenHash));
    return raw === null ? null : parseCachedTokenState(raw);
  }

  async putIfAbsent(tokenHash: string, state: CachedTokenState, ttlSeconds: number): Promise<boolean> {
    const answer = await this.redis.set(this.keyOf(tokenHash), JSON.stringify(state), 'EX', ttlSeconds, 'NX');
    return answer === 'OK';
  }

  private keyOf(tokenHash: string): string {
    return tokenStateKey(this.config.REDIS_KEY_PREFIX, tokenHash);
  }
}
