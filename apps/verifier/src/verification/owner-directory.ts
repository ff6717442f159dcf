import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { z } from 'zod';
import { type CachedMemberState, MEMBER_ROLES, type MemberRole, memberStateKey } from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { PG_POOL } from '../infrastructure/postgres';

/** A token owner as the verifier needs them: still in the tenant, and with which role today. */
export type OwnerStanding = { active: false } | { active: true; role: MemberRole };

/** Where the verifier learns an owner's current role; evaluated at every verification (seeds 000–002). */
export interface OwnerDirectory {
  /** Rejects when the directory cannot be read: the verifier then gives no verdict. */
  standing(tenantId: string, userId: string): Promise<OwnerStanding>;
}

export const OWNER_DIRECTORY = Symbol('OWNER_DIRECTORY');

/** Reads the issuer-owned `members` table (read-only) behind the shared member-state cache. */
@Injectable()
export class CachedOwnerDirectory implements OwnerDirectory {
  private readonly logger = new Logger(CachedOwnerDirectory.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(VERIFIER_CONFIG)
    private readonly config: Pick<
      VerifierConfig,
      'REDIS_KEY_PREFIX' | 'TOKEN_CACHE_TTL_SECONDS' | 'NEGATIVE_CACHE_TTL_SECONDS'
    >,
  ) {}

  async standing(tenantId: string, userId: string): Promise<OwnerStanding> {
    return toStanding(await this.lookUp(tenantId, userId));
  }

  private async lookUp(tenantId: string, userId: string): Promise<CachedMemberState> {
    const key = memberStateKey(this.config.REDIS_KEY_PREFIX, tenantId, userId);
    let cacheUsable = true;
    try {
      const cached = await this.redis.get(key);
      if (cached !== null) {
        const parsed = cachedMemberState.safeParse(JSON.parse(cached));
        if (parsed.success) return parsed.data;
      }
    } catch (error) {
      cacheUsable = false;
      this.logger.warn(`member-state cache unavailable, reading Postgres: ${(error as Error).message}`);
    }
    const { rows } = await this.pool.query<{ role: MemberRole; status: string }>(
      'SELECT role, status FROM members WHERE tenant_id = $1 AND user_id = $2',
      [tenantId, userId],
    );
    const state: CachedMemberState = rows[0]
      ? { found: true, role: rows[0].role, active: rows[0].status === 'active' }
      : { found: false, role: null, active: false };
    if (!cacheUsable) return state;
    const ttl = state.found ? this.config.TOKEN_CACHE_TTL_SECONDS : this.config.NEGATIVE_CACHE_TTL_SECONDS;
    try {
      // NX: a role change or removal the issuer wrote meanwhile is newer than this read, and wins.
      if ((await this.redis.set(key, JSON.stringify(state), 'EX', ttl, 'NX')) !== 'OK') {
        const current = await this.redis.get(key);
        const parsed = current === null ? undefined : cachedMemberState.safeParse(JSON.parse(current));
        if (parsed?.success) return parsed.data;
      }
    } catch (error) {
      this.logger.warn(`could not fill the member-state cache: ${(error as Error).message}`);
    }
    return state;
  }
}

const cachedMemberState = z.object({
  found: z.boolean(),
  role: z.enum(MEMBER_ROLES).nullable(),
  active: z.boolean(),
}) satisfies z.ZodType<CachedMemberState>;

/** Only a known, active member with a role can lend a token their permissions. */
export function toStanding(state: CachedMemberState): OwnerStanding {
  return state.found && state.active && state.role !== null
    ? { active: true, role: state.role }
    : { active: false };
}
