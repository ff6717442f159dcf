import type { Clock } from '../clock';

/**
 * A shared cache the verifier may only add to: the issuer writes the authoritative entries (revocation
 * tombstones, member changes) and a verifier never overwrites one.
 */
export interface AddOnlyCache<K, V> {
  /** The entry, or null on a miss. Rejects when the cache cannot be read or the entry is unreadable. */
  get(key: K): Promise<V | null>;
  /** Stores the entry only when none exists (SET NX). True if stored. */
  putIfAbsent(key: K, value: V, ttlSeconds: number): Promise<boolean>;
}

/**
 * Thrown by a shared cache the lease no longer vouches for (`CacheLease`): a miss that is expected while
 * the lease is down, so it is not logged for every verification.
 */
export class CacheNotTrustedError extends Error {
  constructor() {
    super('the cache lease does not hold');
    this.name = 'CacheNotTrustedError';
  }
}

export interface ReadThroughOptions<V> {
  /** Names the cache in log lines, e.g. `token-state`. */
  name: string;
  /** Where a miss is answered from, for log lines, e.g. `Postgres`. */
  source: string;
  /** How long an entry for this value may live. */
  ttlSecondsOf(value: V): number;
  clock: Clock;
  logger: { warn(message: string): void };
}

/**
 * Cache first; on a miss (or a cache failure) the source of truth, then fill the cache without
 * overwriting. Every cached lookup of the verifier goes through here, so all share the same guards:
 * - a cache that cannot be read is not written either;
 * - a read of the source slower than the entry's lifetime is not cached: it may predate changes the
 *   cache has already seen and forgotten;
 * - when an entry appeared while the source was read (typically the issuer's, written before its change
 *   commits), that entry is the newer truth and wins over what was just read.
 * A failing source rejects; the caller decides what that means.
 */
export class ReadThroughCache<K, V> {
  constructor(
    private readonly cache: AddOnlyCache<K, V>,
    private readonly options: ReadThroughOptions<V>,
  ) {}

  /** The cached entry only, never the source: null on a miss or when the cache cannot be read. */
  async peek(key: K): Promise<V | null> {
    try {
      return await this.cache.get(key);
    } catch {
      return null;
    }
  }

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const { name, source, clock, logger } = this.options;
    let cacheUsable = true;
    try {
      const cached = await this.cache.get(key);
      if (cached !== null) return cached;
    } catch (error) {
      cacheUsable = false;
      if (!(error instanceof CacheNotTrustedError)) {
        logger.warn(`${name} cache unavailable, reading ${source}: ${messageOf(error)}`);
      }
    }

    const started = clock().getTime();
    const value = await load();
    const elapsedMs = clock().getTime() - started;

    if (!cacheUsable) return value;
    const ttlSeconds = this.options.ttlSecondsOf(value);
    if (elapsedMs >= ttlSeconds * 1000) return value;
    try {
      if (await this.cache.putIfAbsent(key, value, ttlSeconds)) return value;
      return (await this.cache.get(key)) ?? value;
    } catch (error) {
      logger.warn(`could not fill the ${name} cache: ${messageOf(error)}`);
      return value;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
