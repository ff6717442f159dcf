import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  CacheEntrySigner,
  type CachedMemberState,
  type CachedTenantState,
  type CachedTokenState,
  type CacheInvalidation,
  invalidationChannel,
  memberStateKey,
  tenantStateKey,
  tokenStateKey,
  verifierLeasesKey,
} from '@latchkey/contracts';
import { InjectRedis } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import { CacheEpochs } from './cache-epochs';
import { InvalidationAcks, type Leaseholder } from './invalidation-acks';

/** What the issuer needs of the Redis server holding the verifiers' cache. */
export interface VerifierCacheStore {
  /** Writes the entry, replacing any, to expire after `ttlSeconds`. */
  overwrite(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** How many replicas the server reports connected (`INFO replication`). */
  connectedReplicas(): Promise<number>;
  /** `WAIT replicas timeoutMs`: how many replicas acknowledged every write of this connection so far. */
  waitForReplicas(replicas: number, timeoutMs: number): Promise<number>;
  /**
   * Publishes the invalidation and, in the same atomic step, lists the verifiers holding a lease with
   * how long each lease has left (by the Redis server's clock).
   */
  publishInvalidation(message: string): Promise<Leaseholder[]>;
}

export const VERIFIER_CACHE_STORE = Symbol('VERIFIER_CACHE_STORE');

/**
 * PUBLISH, then the live leases, in one script: a verifier renewing its lease after this runs renews it
 * with a PING on its subscriber connection that comes after the message, so it has forgotten the entry
 * before it can trust its memory any longer (docs/architecture.md, "Coherent caches").
 */
const PUBLISH_AND_LIST_LEASES = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('PUBLISH', KEYS[2], ARGV[1])
local held = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES')
local out = {}
for i = 1, #held, 2 do
  out[#out + 1] = held[i]
  out[#out + 1] = tostring(tonumber(held[i + 1]) - now)
end
return out`;

@Injectable()
export class RedisVerifierCacheStore implements VerifierCacheStore {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @Inject(ISSUER_CONFIG) private readonly config: Pick<IssuerConfig, 'REDIS_KEY_PREFIX'>,
  ) {}

  async overwrite(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async connectedReplicas(): Promise<number> {
    const info = await this.redis.info('replication');
    const match = /^connected_slaves:(\d+)/m.exec(info);
    return match ? Number(match[1]) : 0;
  }

  async waitForReplicas(replicas: number, timeoutMs: number): Promise<number> {
    return Number(await this.redis.wait(replicas, timeoutMs));
  }

  async publishInvalidation(message: string): Promise<Leaseholder[]> {
    const prefix = this.config.REDIS_KEY_PREFIX;
    const flat = (await this.redis.eval(
      PUBLISH_AND_LIST_LEASES,
      2,
      verifierLeasesKey(prefix),
      invalidationChannel(prefix),
      message,
    )) as string[];
    const holders: Leaseholder[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      holders.push({ holder: flat[i], remainingMs: Number(flat[i + 1]) });
    }
    return holders;
  }
}

/** The entry was written on the primary, but no replica confirmed it in time. */
export class CacheReplicationError extends Error {
  constructor(readonly replicas: number) {
    super(`no Redis replica acknowledged the cache entry (${replicas} connected)`);
    this.name = 'CacheReplicationError';
  }
}

/**
 * Redis could not be reached (or answered too late). The unit of work then runs the change again in
 * outage mode: it bumps the cache epoch instead of writing entries, and returns once every verifier's
 * lease has run out (`UnitOfWork`).
 */
export class VerifierCacheUnreachableError extends Error {
  constructor(cause: unknown) {
    super(
      `the verifiers' cache could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'VerifierCacheUnreachableError';
  }
}

/** A change that makes verdicts stricter: the entries it rewrites. */
export interface StricterChange {
  tokens?: { tokenHash: string; state: CachedTokenState }[];
  members?: { tenantId: string; userId: string; state: CachedMemberState }[];
  tenants?: { tenantId: string; state: CachedTenantState }[];
}

/**
 * Runs a change once normally and, if the verifiers' cache proved unreachable, undoes nothing more than
 * that attempt did (its transaction rolled back) and runs it again in outage mode, returning only once
 * `outlast` (one lease) has passed after that second attempt committed. The unit of work and the
 * operator CLI share it.
 */
export async function withCacheOutageFallback<T>(
  attempt: (cacheUnreachable: boolean) => Promise<T>,
  outlast: () => Promise<void>,
): Promise<T> {
  try {
    return await attempt(false);
  } catch (error) {
    if (!(error instanceof VerifierCacheUnreachableError)) throw error;
  }
  const result = await attempt(true);
  await outlast();
  return result;
}

/** The transaction a cache write belongs to, and whether Redis already proved unreachable for it. */
export interface CacheWriteTx extends Tx {
  readonly cacheUnreachable: boolean;
}

/**
 * The issuer's authoritative writes to the verifiers' caches, run just before a stricter change commits:
 * 1. the cache epoch is read under a shared lock (a bump waits for this transaction);
 * 2. each entry is overwritten under the epoch's keys (and the previous epoch's, while verifiers may still
 *    be switching), sealed with CACHE_SIGNING_KEY; with replicas, one must acknowledge (`WAIT 1`);
 * 3. an invalidation is published, and the live leaseholders listed in the same step;
 * 4. it waits until each leaseholder has acknowledged or its lease has lapsed (at most one lease).
 * So once the change commits, no verifier answers from an entry that predates it: not from Redis, not
 * from memory. When Redis cannot be reached, it throws `VerifierCacheUnreachableError`; in outage mode
 * (`tx.cacheUnreachable`) it bumps the epoch instead.
 */
@Injectable()
export class VerifierCacheWriter {
  private readonly logger = new Logger(VerifierCacheWriter.name);
  private readonly signer: CacheEntrySigner;

  constructor(
    @Inject(VERIFIER_CACHE_STORE) private readonly store: VerifierCacheStore,
    @Inject(ISSUER_CONFIG)
    private readonly config: Pick<
      IssuerConfig,
      | 'CACHE_SIGNING_KEY'
      | 'TOKEN_CACHE_TTL_SECONDS'
      | 'REDIS_REPLICA_ACK_TIMEOUT_MS'
      | 'REDIS_KEY_PREFIX'
      | 'CACHE_LEASE_MS'
    >,
    @Inject(CacheEpochs) private readonly epochs: Pick<CacheEpochs, 'readShared' | 'bump'>,
    @Inject(InvalidationAcks) private readonly acks: Pick<InvalidationAcks, 'expect'>,
  ) {
    this.signer = new CacheEntrySigner(config.CACHE_SIGNING_KEY);
  }

  async propagate(tx: CacheWriteTx, change: StricterChange): Promise<void> {
    if (tx.cacheUnreachable) {
      const epoch = await this.epochs.bump(tx);
      this.logger.warn(
        `Redis unreachable: cache epoch bumped to ${epoch}; the change returns once every verifier lease has lapsed`,
      );
      return;
    }
    // Verifiers switch to a new epoch within one lease of its bump; until then some still read the old keys.
    const { epoch, bumpedWithinMs } = await this.epochs.readShared(tx, 2 * this.config.CACHE_LEASE_MS);
    const epochs = bumpedWithinMs ? [epoch, epoch - 1] : [epoch];

    const invalidation: CacheInvalidation = { id: randomUUID(), tokens: [], members: [], tenants: [] };
    const writes: { key: string; value: unknown }[] = [];
    for (const e of epochs) {
      for (const { tokenHash, state } of change.tokens ?? []) {
        writes.push({ key: tokenStateKey(this.config.REDIS_KEY_PREFIX, e, tokenHash), value: state });
      }
      for (const { tenantId, userId, state } of change.members ?? []) {
        writes.push({ key: memberStateKey(this.config.REDIS_KEY_PREFIX, e, tenantId, userId), value: state });
      }
      for (const { tenantId, state } of change.tenants ?? []) {
        writes.push({ key: tenantStateKey(this.config.REDIS_KEY_PREFIX, e, tenantId), value: state });
      }
    }
    invalidation.tokens = (change.tokens ?? []).map((t) => t.tokenHash);
    invalidation.members = (change.members ?? []).map(({ tenantId, userId }) => ({ tenantId, userId }));
    invalidation.tenants = (change.tenants ?? []).map((t) => t.tenantId);

    await this.reachable(() => this.writeAll(writes));
    const expectation = this.acks.expect(invalidation.id);
    try {
      const holders = await this.reachable(() =>
        this.store.publishInvalidation(JSON.stringify(invalidation)),
      );
      await expectation.settle(holders);
    } finally {
      expectation.cancel();
    }
  }

  /** The wait a change made in outage mode adds after its commit: one lease, and a little for timers. */
  async outlastLeases(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.config.CACHE_LEASE_MS + 50));
  }

  private async writeAll(writes: { key: string; value: unknown }[]): Promise<void> {
    const ttlSeconds = this.config.TOKEN_CACHE_TTL_SECONDS;
    const expiresAt = Date.now() + ttlSeconds * 1000;
    for (const { key, value } of writes) {
      await this.store.overwrite(key, this.signer.seal(key, JSON.stringify(value), expiresAt), ttlSeconds);
    }
    const replicas = await this.store.connectedReplicas();
    if (replicas === 0) return;
    const acknowledged = await this.store.waitForReplicas(1, this.config.REDIS_REPLICA_ACK_TIMEOUT_MS);
    if (acknowledged < 1) throw new CacheReplicationError(replicas);
  }

  private async reachable<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof CacheReplicationError) throw error;
      throw new VerifierCacheUnreachableError(error);
    }
  }
}
