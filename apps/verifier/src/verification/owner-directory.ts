import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import {
  type CachedMemberState,
  type MemberRole,
  memberStateKey,
  parseCachedMemberState,
  toCachedMemberState,
  UNKNOWN_MEMBER_STATE,
} from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import { CLOCK, type Clock } from '../clock';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { PG_POOL } from '../infrastructure/postgres';
import { CACHE_LEASE } from '../coherence/coherence.module';
import { ReadThroughCache } from './read-through-cache';
import { SealedRedisCache } from './sealed-redis-cache';
import type { CacheScope } from './token-state-cache';
import { SealedCacheEntries } from './sealed-cache-entries';

/** A token owner as the verifier needs them: still in the tenant, and with which role today. */
export type OwnerStanding = { active: false } | { active: true; role: MemberRole };

/** Where the verifier learns an owner's current role; evaluated at every verification (seeds 000–002). */
export interface OwnerDirectory {
  /** Rejects when the directory cannot be read: the verifier then gives no verdict. */
  standing(tenantId: string, userId: string): Promise<OwnerStanding>;
  /** The standing memory holds under the current lease, or undefined (then ask `standing`). */
  standingNow?(tenantId: string, userId: string): OwnerStanding | undefined;
}

export const OWNER_DIRECTORY = Symbol('OWNER_DIRECTORY');

export interface MemberKey {
  tenantId: string;
  userId: string;
}

const FIND_MEMBER = 'SELECT role, status FROM members WHERE tenant_id = $1 AND user_id = $2';

/** Reads the issuer-owned `members` table (read-only) behind the shared member-state cache. */
@Injectable()
export class CachedOwnerDirectory implements OwnerDirectory {
  private readonly logger = new Logger(CachedOwnerDirectory.name);
  private readonly members: ReadThroughCache<MemberKey, CachedMemberState>;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(VERIFIER_CONFIG)
    config: Pick<
      VerifierConfig,
      'REDIS_KEY_PREFIX' | 'TOKEN_CACHE_TTL_SECONDS' | 'NEGATIVE_CACHE_TTL_SECONDS'
    >,
    @Inject(CLOCK) clock: Clock,
    sealed: SealedCacheEntries,
    @Inject(CACHE_LEASE) private readonly scope: CacheScope,
  ) {
    const shared = new SealedRedisCache<MemberKey, CachedMemberState>(redis, sealed, scope, {
      name: 'member-state',
      keyOf: (epoch, { tenantId, userId }) =>
        memberStateKey(config.REDIS_KEY_PREFIX, epoch, tenantId, userId),
      parse: parseCachedMemberState,
    });
    this.members = new ReadThroughCache(shared, {
      name: 'member-state',
      source: 'Postgres',
      ttlSecondsOf: (state) =>
        state.found ? config.TOKEN_CACHE_TTL_SECONDS : config.NEGATIVE_CACHE_TTL_SECONDS,
      clock,
      logger: this.logger,
    });
  }

  standingNow(tenantId: string, userId: string): OwnerStanding | undefined {
    const remembered = this.scope.memory.member(tenantId, userId);
    return remembered === null ? undefined : toStanding(remembered);
  }

  /** From memory when the lease allows; otherwise the shared cache, then Postgres, and remembered. */
  async standing(tenantId: string, userId: string): Promise<OwnerStanding> {
    const memory = this.scope.memory;
    const remembered = memory.member(tenantId, userId);
    if (remembered !== null) return toStanding(remembered);
    const stamp = memory.stamp();
    const state = await this.members.get({ tenantId, userId }, () => this.read(tenantId, userId));
    memory.putMember(stamp, tenantId, userId, state);
    return toStanding(state);
  }

  private async read(tenantId: string, userId: string): Promise<CachedMemberState> {
    const { rows } = await this.pool.query<{ role: MemberRole; status: string }>(FIND_MEMBER, [
      tenantId,
      userId,
    ]);
    return rows[0] ? toCachedMemberState(rows[0]) : UNKNOWN_MEMBER_STATE;
  }
}

/** Only a known, active member with a role can lend a token their permissions. */
export function toStanding(state: CachedMemberState): OwnerStanding {
  return state.found && state.active && state.role !== null
    ? { active: true, role: state.role }
    : { active: false };
}
