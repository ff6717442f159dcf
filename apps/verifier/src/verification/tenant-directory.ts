import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import {
  type CachedTenantState,
  parseCachedTenantState,
  tenantStateKey,
  type TenantPlan,
  UNKNOWN_TENANT_STATE,
} from '@latchkey/contracts';
import { REDIS } from '@latchkey/service-runtime';
import { CLOCK, type Clock } from '../clock';
import { CACHE_LEASE } from '../coherence/coherence.module';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { PG_POOL } from '../infrastructure/postgres';
import { ReadThroughCache } from './read-through-cache';
import { SealedRedisCache } from './sealed-redis-cache';
import { SealedCacheEntries } from './sealed-cache-entries';
import type { CacheScope } from './token-state-cache';

/** Whether a tenant's tokens may be used now: its plan includes API access (seed 004). */
export interface TenantDirectory {
  /** Rejects when the directory cannot be read: the verifier then gives no verdict. */
  hasApiAccess(tenantId: string): Promise<boolean>;
  /** The answer memory holds under the current lease, or undefined (then ask `hasApiAccess`). */
  apiAccessNow?(tenantId: string): boolean | undefined;
}

export const TENANT_DIRECTORY = Symbol('TENANT_DIRECTORY');

const FIND_TENANT = 'SELECT plan FROM tenants WHERE id = $1';

/**
 * Reads the issuer-owned `tenants` table (read-only: id and plan) behind memory and the shared cache,
 * like the owner directory. A tenant the issuer has not stored yet gets DEFAULT_TENANT_PLAN, as the
 * issuer gives it when it first needs one; API_ACCESS_PLANS names the plans with API access, the same
 * setting as the issuer's.
 */
@Injectable()
export class CachedTenantDirectory implements TenantDirectory {
  private readonly logger = new Logger(CachedTenantDirectory.name);
  private readonly tenants: ReadThroughCache<string, CachedTenantState>;
  private readonly withAccess: ReadonlySet<string>;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(PG_POOL) private readonly pool: Pick<Pool, 'query'>,
    @Inject(VERIFIER_CONFIG)
    private readonly config: Pick<
      VerifierConfig,
      'REDIS_KEY_PREFIX' | 'TOKEN_CACHE_TTL_SECONDS' | 'API_ACCESS_PLANS' | 'DEFAULT_TENANT_PLAN'
    >,
    @Inject(CLOCK) clock: Clock,
    sealed: SealedCacheEntries,
    @Inject(CACHE_LEASE) private readonly scope: CacheScope,
  ) {
    this.withAccess = new Set<string>(config.API_ACCESS_PLANS);
    this.tenants = new ReadThroughCache(
      // The operator's plan change overwrites entries (`tenant set-plan`).
      new SealedRedisCache<string, CachedTenantState>(redis, sealed, scope, {
        name: 'tenant-state',
        keyOf: (epoch, tenantId) => tenantStateKey(config.REDIS_KEY_PREFIX, epoch, tenantId),
        parse: parseCachedTenantState,
      }),
      {
        name: 'tenant-state',
        source: 'Postgres',
        ttlSecondsOf: () => config.TOKEN_CACHE_TTL_SECONDS,
        clock,
        logger: this.logger,
      },
    );
  }

  apiAccessNow(tenantId: string): boolean | undefined {
    const state = this.scope.memory.tenant(tenantId);
    return state === null ? undefined : this.allowsAccess(state);
  }

  async hasApiAccess(tenantId: string): Promise<boolean> {
    const memory = this.scope.memory;
    let state = memory.tenant(tenantId);
    if (state === null) {
      const stamp = memory.stamp();
      state = await this.tenants.get(tenantId, () => this.read(tenantId));
      memory.putTenant(stamp, tenantId, state);
    }
    return this.allowsAccess(state);
  }

  private allowsAccess(state: CachedTenantState): boolean {
    const plan: string = state.found && state.plan !== null ? state.plan : this.config.DEFAULT_TENANT_PLAN;
    return this.withAccess.has(plan);
  }

  private async read(tenantId: string): Promise<CachedTenantState> {
    const { rows } = await this.pool.query<{ plan: TenantPlan }>(FIND_TENANT, [tenantId]);
    return rows[0] ? { found: true, plan: rows[0].plan } : UNKNOWN_TENANT_STATE;
  }
}
