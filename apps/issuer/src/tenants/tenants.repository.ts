import type { EntityManager } from 'typeorm';
import { Tenant } from './tenant.entity';
import type { TenantPlan } from './tenant-plan';

/**
 * The tenant row, created with `defaultPlan` if this is the first time the tenant is seen. Concurrent
 * first calls are safe: the insert ignores a row another call created in the meantime.
 */
export async function findOrCreateTenant(
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
