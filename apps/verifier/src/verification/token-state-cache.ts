import { Inject, Injectable } from '@nestjs/common';
import {
  type CachedTokenState,
  memberStateKey,
  parseCachedMemberState,
  parseCachedTokenState,
  tokenStateKey,
} from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import type Redis from 'ioredis';
import { CLOCK, type Clock } from '../clock';
import { CACHE_LEASE } from '../coherence/coherence.module';
import type { CacheLease } from '../coherence/cache-lease';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { BoundedNegativeCache } from './negative-cache';
import { type AddOnlyCache, CacheNotTrustedError } from './read-through-cache';
import { SealedCacheEntries } from './sealed-cache-entries';

/**
 * The token-state cache, keyed by token hash. Known tokens live in the shared Redis, where the issuer
 * writes revocation tombstones and the verifier only ever adds entries that are missing. Entries are
 * sealed (`SealedCacheEntries`): one whose MAC does not match is a miss. A genuine entry is parsed with
 * the contracts' schema (an unreadable one rejects). Unknown hashes live in a bounded in-process cache
 * and never reach Redis.
 *
 * Keys belong to the cache epoch the lease vouches for; with no lease (Redis or Postgres unreachable,
 * or the subscriber down) the shared cache is not consulted at all and every read rejects, so the
 * verdict comes from Postgres.
 */
export type TokenStateCache = AddOnlyCache<string, CachedTokenState>;

export const TOKEN_STATE_CACHE = Symbol('TOKEN_STATE_CACHE');

/** The lease's part in reading the shared cache. */
export type CacheScope = Pick<CacheLease, 'trustedEpoch' | 'memory'>;

/**
 * One round trip for a miss in memory: the token's entry and, when it names an owner, the owner's member
 * entry (its key prefix in ARGV[1]). Both come back sealed; the verifier checks both MACs itself. The
 * member key is computed in the script, so this needs a Redis where both keys live on one node (not
 * Cluster; see docs/architecture.md).
 */
const TOKEN_WITH_OWNER = `
local token = redis.call('GET', KEYS[1])
if not token then return {false, false} end
local a = string.find(token, '.', 1, true)
local b = a and string.find(token, '.', a + 1, true)
local c = b and string.find(token, '.', b + 1, true)
if not c then return {token, false} end
local ok, state = pcall(cjson.decode, string.sub(token, c + 1))
if not ok or type(state) ~= 'table' or state.found ~= true
  or type(state.tenantId) ~= 'string' or type(state.ownerId) ~= 'string' then
  return {token, false}
end
return {token, redis.call('GET', ARGV[1] .. state.tenantId .. ':' .. state.ownerId)}`;

@Injectable()
export class RedisTokenStateCache implements TokenStateCache {
  private readonly unknown: BoundedNegativeCache;

  constructor(
    @Inject(REDIS) private readonly redis: Pick<Redis, 'eval' | 'set'>,
    @Inject(VERIFIER_CONFIG)
    private readonly config: Pick<VerifierConfig, 'REDIS_KEY_PREFIX' | 'NEGATIVE_CACHE_MAX_ENTRIES'>,
    private readonly sealed: SealedCacheEntries,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CACHE_LEASE) private readonly scope: CacheScope,
  ) {
    this.unknown = new BoundedNegativeCache(config.NEGATIVE_CACHE_MAX_ENTRIES);
  }

  /** Unknown hashes remembered in this process. */
  get unknownEntries(): number {
    return this.unknown.size;
  }

  async get(tokenHash: string): Promise<CachedTokenState | null> {
    if (this.unknown.has(tokenHash, this.clock().getTime())) return { found: false };
    const epoch = this.epoch();
    const stamp = this.scope.memory.stamp();
    const key = tokenStateKey(this.config.REDIS_KEY_PREFIX, epoch, tokenHash);
    const memberPrefix = memberStateKey(this.config.REDIS_KEY_PREFIX, epoch, '', '').slice(0, -1);
    let stored: string | null;
    let storedOwner: string | null;
    try {
      [stored, storedOwner] = (await this.redis.eval(TOKEN_WITH_OWNER, 1, key, memberPrefix)) as [
        string | null,
        string | null,
      ];
    } catch (error) {
      this.sealed.metrics.redisFailed('token-state');
      throw error;
    }
    const json = stored === null ? null : this.sealed.open('token-state', key, stored);
    this.sealed.metrics.redisLookup(json !== null);
    if (json === null) return null;
    const state = parseCachedTokenState(json);
    if (state.found && storedOwner !== null) this.rememberOwner(stamp, epoch, state, storedOwner);
    return state;
  }

  async putIfAbsent(tokenHash: string, state: CachedTokenState, ttlSeconds: number): Promise<boolean> {
    if (!state.found) {
      this.unknown.add(tokenHash, this.clock().getTime() + ttlSeconds * 1000);
      return true;
    }
    const key = tokenStateKey(this.config.REDIS_KEY_PREFIX, this.epoch(), tokenHash);
    const answer = await this.redis.set(
      key,
      this.sealed.seal(key, state, ttlSeconds),
      'EX',
      ttlSeconds,
      'NX',
    );
    return answer === 'OK';
  }

  /** The owner's entry came with the token's: into memory, if genuine, so no second round trip is due. */
  private rememberOwner(
    stamp: ReturnType<CacheScope['memory']['stamp']>,
    epoch: number,
    state: { tenantId: string; ownerId: string },
    stored: string,
  ): void {
    const key = memberStateKey(this.config.REDIS_KEY_PREFIX, epoch, state.tenantId, state.ownerId);
    const json = this.sealed.open('member-state', key, stored);
    if (json === null) return;
    try {
      this.scope.memory.putMember(stamp, state.tenantId, state.ownerId, parseCachedMemberState(json));
    } catch {
      // An unreadable member entry is simply not remembered; the owner directory reads it again.
    }
  }

  private epoch(): number {
    const epoch = this.scope.trustedEpoch();
    if (epoch === null) throw new CacheNotTrustedError();
    return epoch;
  }
}
