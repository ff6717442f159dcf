import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { CacheEntrySigner } from '@latchkey/contracts';
import { InjectRedis } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';

/** What the issuer needs of the Redis server holding the verifiers' cache. */
export interface VerifierCacheStore {
  /** Writes the entry, replacing any, to expire after `ttlSeconds`. */
  overwrite(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** How many replicas the server reports connected (`INFO replication`). */
  connectedReplicas(): Promise<number>;
  /** `WAIT replicas timeoutMs`: how many replicas acknowledged every write of this connection so far. */
  waitForReplicas(replicas: number, timeoutMs: number): Promise<number>;
}

export const VERIFIER_CACHE_STORE = Symbol('VERIFIER_CACHE_STORE');

@Injectable()
export class RedisVerifierCacheStore implements VerifierCacheStore {
  constructor(@InjectRedis() private readonly redis: Redis) {}

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
}

/** The entry was written on the primary, but no replica confirmed it in time. */
export class CacheReplicationError extends Error {
  constructor(readonly replicas: number) {
    super(`no Redis replica acknowledged the cache entry (${replicas} connected)`);
    this.name = 'CacheReplicationError';
  }
}

/**
 * The issuer's authoritative writes to the verifiers' cache (revocations, new ends, member changes):
 * sealed with CACHE_SIGNING_KEY over key, value and the entry's own expiry, so verifiers believe only
 * entries written by the issuer or by themselves. When the Redis server has replicas, a write returns
 * only once one of them acknowledged it (`WAIT 1`), so a failover to that replica cannot lose it;
 * otherwise it throws `CacheReplicationError` and the caller's transaction is undone.
 */
@Injectable()
export class VerifierCacheWriter {
  private readonly signer: CacheEntrySigner;

  constructor(
    @Inject(VERIFIER_CACHE_STORE) private readonly store: VerifierCacheStore,
    @Inject(ISSUER_CONFIG)
    private readonly config: Pick<
      IssuerConfig,
      'CACHE_SIGNING_KEY' | 'TOKEN_CACHE_TTL_SECONDS' | 'REDIS_REPLICA_ACK_TIMEOUT_MS'
    >,
  ) {
    this.signer = new CacheEntrySigner(config.CACHE_SIGNING_KEY);
  }

  async write(key: string, value: unknown): Promise<void> {
    const ttlSeconds = this.config.TOKEN_CACHE_TTL_SECONDS;
    const sealed = this.signer.seal(key, JSON.stringify(value), Date.now() + ttlSeconds * 1000);
    await this.store.overwrite(key, sealed, ttlSeconds);
    const replicas = await this.store.connectedReplicas();
    if (replicas === 0) return;
    const acknowledged = await this.store.waitForReplicas(1, this.config.REDIS_REPLICA_ACK_TIMEOUT_MS);
    if (acknowledged < 1) throw new CacheReplicationError(replicas);
  }
}
