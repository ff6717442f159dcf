import type Redis from 'ioredis';
import type { CacheScope } from './token-state-cache';
import { type AddOnlyCache, CacheNotTrustedError } from './read-through-cache';
import type { SealedCacheEntries } from './sealed-cache-entries';

/** What tells one shared cache from another: its name, its keys and how an entry is parsed. */
export interface SealedRedisCacheKind<K, V> {
  /** Names the cache in metrics and log lines, e.g. `member-state`. */
  name: string;
  keyOf(epoch: number, key: K): string;
  /** Parses a genuine entry's JSON; throws on one that does not match its schema. */
  parse(json: string): V;
}

/**
 * A shared Redis cache the verifier may only add to (SET NX), of sealed entries under the keys of the
 * epoch the lease vouches for. Without a lease every call rejects (`CacheNotTrustedError`), so the
 * read-through cache answers from Postgres. An entry whose seal does not open is a miss.
 */
export class SealedRedisCache<K, V> implements AddOnlyCache<K, V> {
  constructor(
    private readonly redis: Pick<Redis, 'get' | 'set'>,
    private readonly sealed: SealedCacheEntries,
    private readonly scope: Pick<CacheScope, 'trustedEpoch'>,
    private readonly kind: SealedRedisCacheKind<K, V>,
  ) {}

  async get(key: K): Promise<V | null> {
    const redisKey = this.redisKeyOf(key);
    let stored: string | null;
    try {
      stored = await this.redis.get(redisKey);
    } catch (error) {
      this.sealed.metrics.redisFailed(this.kind.name);
      throw error;
    }
    const json = stored === null ? null : this.sealed.open(this.kind.name, redisKey, stored);
    return json === null ? null : this.kind.parse(json);
  }

  async putIfAbsent(key: K, value: V, ttlSeconds: number): Promise<boolean> {
    const redisKey = this.redisKeyOf(key);
    const sealed = this.sealed.seal(redisKey, value, ttlSeconds);
    return (await this.redis.set(redisKey, sealed, 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  private redisKeyOf(key: K): string {
    const epoch = this.scope.trustedEpoch();
    if (epoch === null) throw new CacheNotTrustedError();
    return this.kind.keyOf(epoch, key);
  }
}
