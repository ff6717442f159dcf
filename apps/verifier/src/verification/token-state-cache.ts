import { Inject, Injectable } from '@nestjs/common';
import { type CachedTokenState, tokenStateKey } from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import type Redis from 'ioredis';
import { z } from 'zod';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';

/**
 * The shared token-state cache, keyed by token hash. The issuer writes revocation tombstones into it;
 * the verifier only ever adds entries that are missing.
 */
export interface TokenStateCache {
  /** The cached state, or null on a miss. Rejects when the cache cannot be read or the entry is unreadable. */
  get(tokenHash: string): Promise<CachedTokenState | null>;
  /** Stores the state only when no entry exists (SET NX), so a tombstone is never overwritten. True if stored. */
  putIfAbsent(tokenHash: string, state: CachedTokenState, ttlSeconds: number): Promise<boolean>;
}

export const TOKEN_STATE_CACHE = Symbol('TOKEN_STATE_CACHE');

const cachedTokenState = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  z.object({
    found: z.literal(true),
    tokenId: z.string().min(1),
    tenantId: z.string().min(1),
    ownerId: z.string(),
    revoked: z.boolean(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    scopes: z.array(z.string()),
    resources: z.array(z.string()),
  }),
]) satisfies z.ZodType<CachedTokenState>;

export class UnreadableCacheEntryError extends Error {
  constructor(reason: string) {
    super(`unreadable token-state cache entry: ${reason}`);
    this.name = 'UnreadableCacheEntryError';
  }
}

/** Parses a cache entry written by a verifier or the issuer. Extra fields are tolerated (additive evolution). */
export function parseCachedTokenState(raw: string): CachedTokenState {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new UnreadableCacheEntryError('not JSON');
  }
  const parsed = cachedTokenState.safeParse(json);
  if (!parsed.success) throw new UnreadableCacheEntryError(z.prettifyError(parsed.error));
  return parsed.data;
}

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
