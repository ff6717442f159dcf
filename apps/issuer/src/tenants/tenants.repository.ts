import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';
import { Tenant } from './tenant.entity';
import type { TenantPlan } from './tenant-plan';

/** The fields owners set: the token policy and the governance policy. */
export const TENANT_POLICY_FIELDS = [
  'requireExpiry',
  'maxLifetimeDays',
  'tokenIssuance',
  'tokenVisibility',
  'adminRevocation',
  'defaultRights',
  'recoverableTokens',
  'idleRevokeAfterDays',
  'idleWarningDays',
  'expiryReminderDays',
] as const;
export type TenantPolicyFields = Pick<Tenant, (typeof TENANT_POLICY_FIELDS)[number]>;
export type TenantPolicyChanges = Partial<TenantPolicyFields>;

/** The `tenants` table: plans (set by the operator) and token policies (set by owners). */
@Injectable()
export class TenantsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The tenant, created with `defaultPlan` the first time it is seen; inside `tx` when given. */
  findOrCreate(id: string, defaultPlan: TenantPlan, tx?: Tx): Promise<Tenant> {
    return findOrCreateTenant(managerOf(tx, this.dataSource), id, defaultPlan);
  }

  /** The tenant as stored, or null if it was never seen (it then has the default policy). */
  find(id: string, tx?: Tx): Promise<Tenant | null> {
    return managerOf(tx, this.dataSource).findOneBy(Tenant, { id });
  }

  /** The tenant, locked (SELECT … FOR UPDATE) until `tx` ends, so concurrent policy changes queue. */
  lock(tx: Tx, id: string): Promise<Tenant | null> {
    return managerOf(tx, this.dataSource).findOne(Tenant, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async updatePolicy(tx: Tx, id: string, changes: TenantPolicyChanges): Promise<void> {
    await managerOf(tx, this.dataSource).update(Tenant, { id }, { ...changes, updatedAt: () => 'now()' });
  }
}

/**
 * The tenant row, created with `defaultPlan` if this is the first time the tenant is seen. Concurrent
 * first calls are safe: the insert ignores a row another call created in the meantime.
 */
async function findOrCreateTenant(
  manager: EntityManager,
  id: string,
  defaultPlan: TenantPlan,
): Promise<Tenant> {
  const existing = await manager.findOneBy(Tenant, { id });
  if (existing) return existing;
  await manager
    .createQueryBuilder()
    .insert()
    .into(Tenant)
    .values({ id, plan: defaultPlan })
    .orIgnore()
    .execute();
  return manager.findOneByOrFail(Tenant, { id });
}

/** Operator only (the `tenant` CLI): sets a tenant's plan, creating the tenant if it is new. */
export async function setTenantPlan(
  manager: EntityManager,
  id: string,
  plan: TenantPlan,
): Promise<{ previousPlan: TenantPlan | null; tenant: Tenant }> {
  return manager.transaction(async (tx) => {
    const current = await tx.findOne(Tenant, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (current) {
      await tx.update(Tenant, { id }, { plan, updatedAt: () => 'now()' });
    } else {
      await tx
        .createQueryBuilder()
        .insert()
        .into(Tenant)
        .values({ id, plan })
        .orUpdate(['plan'], ['id'])
        .execute();
    }
    return { previousPlan: current?.plan ?? null, tenant: await tx.findOneByOrFail(Tenant, { id }) };
  });
}
