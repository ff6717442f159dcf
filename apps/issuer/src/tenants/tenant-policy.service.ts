import { Inject, Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import type { UpdateTenantPolicyDto } from './dto/update-tenant-policy.dto';
import { Tenant } from './tenant.entity';
import type { TenantPlan } from './tenant-plan';
import { type TenantPolicyChanges, TenantsRepository } from './tenants.repository';
import { TenantError, TenantErrorCode } from './tenants.errors';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What `GET /v1/tenant/policy` shows. */
export interface TenantPolicyView {
  plan: TenantPlan;
  apiAccess: boolean;
  requireExpiry: boolean;
  maxLifetimeDays: number | null;
}

export type IssuancePolicy = Pick<Tenant, 'plan' | 'requireExpiry' | 'maxLifetimeDays'>;

/**
 * Whether a token expiring at `expiresAt` (null: never) may be issued now under the tenant's plan and
 * policy and the service's own cap on any expiry date (`capDays`, MAX_TOKEN_LIFETIME_DAYS): null if it
 * may, otherwise the error to answer. A lifetime of exactly `maxLifetimeDays` (or `capDays`) is allowed.
 */
export function evaluateIssuancePolicy(
  tenant: IssuancePolicy,
  expiresAt: Date | null,
  now: Date,
  apiAccessPlans: readonly TenantPlan[],
  capDays: number,
): TenantError | null {
  if (!apiAccessPlans.includes(tenant.plan)) {
    return new TenantError(
      TenantErrorCode.UpgradeRequired,
      `API access is not included in the ${tenant.plan} plan. Upgrade required.`,
      { plan: tenant.plan },
    );
  }
  if (tenant.requireExpiry && expiresAt === null) {
    return new TenantError(
      TenantErrorCode.PolicyExpiryRequired,
      'Your organisation requires every token to expire. Choose an expiry date.',
    );
  }
  const maxDays = tenant.maxLifetimeDays;
  if (maxDays !== null && (expiresAt === null || expiresAt.getTime() - now.getTime() > maxDays * DAY_MS)) {
    return new TenantError(
      TenantErrorCode.PolicyMaxLifetimeExceeded,
      `Your organisation allows tokens to live at most ${maxDays} days. Choose an expiry within ${maxDays} days.`,
      { maxLifetimeDays: maxDays },
    );
  }
  // Never-expiring tokens are the tenant's choice; a date, though, is bounded for everyone, so every
  // expiry the API accepts is an ordinary four-digit-year instant every consumer of the events can read.
  if (expiresAt !== null && expiresAt.getTime() - now.getTime() > capDays * DAY_MS) {
    return new TenantError(
      TenantErrorCode.MaxLifetimeExceeded,
      `An expiry date may be at most ${capDays} days away. Choose an earlier date, or no expiry.`,
      { maxLifetimeDays: capDays },
    );
  }
  return null;
}

export function toTenantPolicyView(tenant: Tenant, apiAccessPlans: readonly TenantPlan[]): TenantPolicyView {
  return {
    plan: tenant.plan,
    apiAccess: apiAccessPlans.includes(tenant.plan),
    requireExpiry: tenant.requireExpiry,
    maxLifetimeDays: tenant.maxLifetimeDays,
  };
}

/** A tenant's plan and token policy, and the check token issuance must pass. */
@Injectable()
export class TenantPolicyService {
  constructor(
    private readonly tenants: TenantsRepository,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /**
   * Throws UPGRADE_REQUIRED (402) when the tenant's plan has no API access, POLICY_EXPIRY_REQUIRED or
   * POLICY_MAX_LIFETIME_EXCEEDED (422) when the expiry breaks the owners' policy. Inside a transaction,
   * pass it: the tenant is then read on the transaction's own connection.
   */
  async assertMayIssue(tenantId: string, expiresAt: Date | null, now: Date, tx?: Tx): Promise<void> {
    const tenant = await this.tenants.findOrCreate(tenantId, this.config.DEFAULT_TENANT_PLAN, tx);
    const violation = evaluateIssuancePolicy(
      tenant,
      expiresAt,
      now,
      this.config.API_ACCESS_PLANS,
      this.config.MAX_TOKEN_LIFETIME_DAYS,
    );
    if (violation) throw violation;
  }

  async view(principal: AdminPrincipal): Promise<TenantPolicyView> {
    requireRole(principal, ['owner', 'admin'], 'see the tenant policy');
    return toTenantPolicyView(await this.tenant(principal.tenantId), this.config.API_ACCESS_PLANS);
  }

  /** Changes only the fields given; `maxLifetimeDays: null` removes the limit. Never the plan. */
  async update(principal: AdminPrincipal, changes: UpdateTenantPolicyDto): Promise<TenantPolicyView> {
    requireRole(principal, ['owner'], 'change the tenant policy');
    const id = principal.tenantId;
    await this.tenant(id);
    const set: TenantPolicyChanges = {};
    if (changes.requireExpiry !== undefined) set.requireExpiry = changes.requireExpiry;
    if (changes.maxLifetimeDays !== undefined) set.maxLifetimeDays = changes.maxLifetimeDays;
    if (Object.keys(set).length > 0) await this.tenants.updatePolicy(id, set);
    return toTenantPolicyView(await this.tenant(id), this.config.API_ACCESS_PLANS);
  }

  private tenant(id: string): Promise<Tenant> {
    return this.tenants.findOrCreate(id, this.config.DEFAULT_TENANT_PLAN);
  }
}
