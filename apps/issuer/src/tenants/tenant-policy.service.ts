import { Inject, Injectable } from '@nestjs/common';
import { EventType, type TokenRights } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import { UnitOfWork } from '../outbox/unit-of-work';
import type { UpdateTenantPolicyDto } from './dto/update-tenant-policy.dto';
import { DEFAULT_GOVERNANCE, type GovernancePolicy } from './governance-policy';
import { Tenant } from './tenant.entity';
import type { TenantPlan } from './tenant-plan';
import {
  TENANT_POLICY_FIELDS,
  type TenantPolicyChanges,
  type TenantPolicyFields,
  TenantsRepository,
} from './tenants.repository';
import { TenantError, TenantErrorCode } from './tenants.errors';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What `GET /v1/tenant/policy` shows: the plan, the token policy and the governance policy. */
export interface TenantPolicyView extends GovernancePolicy {
  plan: TenantPlan;
  apiAccess: boolean;
  requireExpiry: boolean;
  maxLifetimeDays: number | null;
  /** The rights preset a create request without `rights` or `scopes` gets (seed 002: "Grant the least"). */
  defaultRights: TokenRights;
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
    tokenIssuance: tenant.tokenIssuance,
    tokenVisibility: tenant.tokenVisibility,
    adminRevocation: tenant.adminRevocation,
    defaultRights: tenant.defaultRights,
  };
}

/** The governance policy of a stored tenant, or the default one for a tenant never seen. */
export function governanceOf(tenant: Tenant | null): GovernancePolicy {
  if (!tenant) return { ...DEFAULT_GOVERNANCE };
  const { tokenIssuance, tokenVisibility, adminRevocation } = tenant;
  return { tokenIssuance, tokenVisibility, adminRevocation };
}

/**
 * What a policy request actually changes: the fields given whose value differs from the current one,
 * with their new values (`changes`) and their old ones (`previous`). Both empty when nothing changes.
 */
export function policyChanges(
  current: TenantPolicyFields,
  request: UpdateTenantPolicyDto,
): { changes: TenantPolicyChanges; previous: TenantPolicyChanges } {
  const changes: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  for (const field of TENANT_POLICY_FIELDS) {
    const value = request[field];
    if (value === undefined || value === current[field]) continue;
    changes[field] = value;
    previous[field] = current[field];
  }
  return { changes, previous };
}

/**
 * A tenant's plan, token policy and governance policy; the check token issuance must pass, and the
 * governance every token use case applies.
 */
@Injectable()
export class TenantPolicyService {
  constructor(
    private readonly tenants: TenantsRepository,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * Who may issue, see and revoke which tokens in the tenant. Reads never create the tenant: one never
   * seen has the default policy. Inside a transaction, pass it.
   */
  async governance(tenantId: string, tx?: Tx): Promise<GovernancePolicy> {
    return governanceOf(await this.tenants.find(tenantId, tx));
  }

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

  /**
   * Every member reads it (seed 004: a plan without API access shows "Upgrade required" to everyone on
   * the API access page). Nothing in it is secret, and it tells members why a request would be refused:
   * the plan, the expiry rules a new token must meet, and who may issue, see and revoke which tokens.
   */
  async view(principal: AdminPrincipal): Promise<TenantPolicyView> {
    return toTenantPolicyView(await this.tenant(principal.tenantId), this.config.API_ACCESS_PLANS);
  }

  /**
   * Changes only the fields given; `maxLifetimeDays: null` removes the limit. Never the plan. A change
   * is announced (TenantPolicyChanged, in the audit log) with the values before and after, in the same
   * transaction; a request that changes nothing announces nothing.
   */
  async update(principal: AdminPrincipal, request: UpdateTenantPolicyDto): Promise<TenantPolicyView> {
    requireRole(principal, ['owner'], 'change the tenant policy');
    const id = principal.tenantId;
    await this.tenant(id);
    const now = new Date();
    const tenant = await this.unitOfWork.run(async (tx) => {
      const current = await this.tenants.lock(tx, id);
      if (!current) throw new Error(`tenant ${id} vanished`);
      const { changes, previous } = policyChanges(current, request);
      if (Object.keys(changes).length === 0) return current;
      await this.tenants.updatePolicy(tx, id, changes);
      tx.emit(EventType.TenantPolicyChanged, {
        subject: id,
        tenantId: id,
        time: now,
        data: { changedBy: principal.userId, changes, previous },
      });
      return Object.assign(current, changes);
    });
    return toTenantPolicyView(tenant, this.config.API_ACCESS_PLANS);
  }

  private tenant(id: string): Promise<Tenant> {
    return this.tenants.findOrCreate(id, this.config.DEFAULT_TENANT_PLAN);
  }
}
