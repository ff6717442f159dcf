import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { TenantPlan } from './tenant-plan';

/**
 * A tenant's plan (set by the operator) and its token policy (set by its owners). Created lazily, with
 * the default plan, the first time the issuer needs it. The issuer owns this table.
 */
@Entity({ name: 'tenants' })
@Check('tenants_plan_check', `"plan" IN ('free', 'team', 'enterprise')`)
@Check('tenants_max_lifetime_days_check', `"max_lifetime_days" BETWEEN 1 AND 3650`)
export class Tenant {
  /** The identity provider's tenant id (the admin JWT's `tid`). */
  @PrimaryColumn('text')
  id!: string;

  @Column('varchar', { length: 32 })
  plan!: TenantPlan;

  /** Every new token must have an expiry ("never" is refused). */
  @Column('boolean', { name: 'require_expiry', default: false })
  requireExpiry!: boolean;

  /** Longest lifetime a new token may have, in days; null means no limit. */
  @Column('integer', { name: 'max_lifetime_days', nullable: true })
  maxLifetimeDays!: number | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
