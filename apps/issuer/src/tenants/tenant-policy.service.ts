import { Inject, Injectable } from '@nestjs/common';
import { EventType, type TokenRights } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
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
  /** Whether new tokens are kept encrypted for their owner to reveal again (seed 003). */
  recoverableTokens: boolean;
  /** Revoke tokens unused for this many days (reason `idle`); null: never. */
  idleRevokeAfterDays: number | null;
  /** How many days before an idle revocation the owner and technical owner are mailed. */
  idleWarningDays: number;
  /** Days before expiry on which owners are reminded (and TokenExpiring announced); null: the default. */
  expiryReminderDays: number[] | null;
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
    recoverableTokens: tenant.recoverableTokens,
    idleRevokeAfterDays: tenant.idleRevokeAfterDays,
    idleWarningDays: tenant.idleWarningDays,
    expiryReminderDays: tenant.expiryReminderDays,
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
    // Reminder days are a set: kept latest first, so the same days in another order change nothing.
    const value = field === 'expiryReminderDays' ? normalizedReminderDays(request[field]) : request[field];
    if (value === undefined || sameValue(value, current[field])) continue;
    changes[field] = value;
    previous[field] = current[field];
  }
  return { changes, previous };
}

function normalizedReminderDays(days: number[] | null | undefined): number[] | null | undefined {
  return Array.isArray(days) ? [...days].sort((a, b) => b - a) : days;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * The idle warning must come after the token became idle: with the policy on, `idleWarningDays` must
 * be shorter than `idleRevokeAfterDays`. Null when the policy is fine, otherwise the error to answer.
 */
export function idlePolicyViolation(
  policy: Pick<TenantPolicyFields, 'idleRevokeAfterDays' | 'idleWarningDays'>,
): TenantError | null {
  const { idleRevokeAfterDays, idleWarningDays } = policy;
  if (idleRevokeAfterDays === null || idleWarningDays < idleRevokeAfterDays) return null;
  return new TenantError(
    TenantErrorCode.IdleWarningTooLong,
    `The idle warning (${idleWarningDays} days before) must come after a token becomes idle: choose ` +
      `fewer warning days than the ${idleRevokeAfterDays} days after which idle tokens are revoked.`,
    { idleRevokeAfterDays, idleWarningDays },
  );
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
    private readonly recovery: TokenRecoveryStore,
  ) {}

  /**
   * Who may issue, see and revoke which tokens in the tenant. Reads never create the tenant: one never
   * seen has the default policy. Inside a transaction, pass it.
   */
  async governance(tenantId: string, tx?: Tx): Promise<GovernancePolicy> {
    return governanceOf(await this.tenants.find(tenantId, tx));
  }

  /**
   * The tenant's expiry reminder days, latest first; null when it keeps the service's default days (and
   * for a tenant never seen). Inside a transaction, pass it.
   */
  async expiryReminderDays(tenantId: string, tx?: Tx): Promise<number[] | null> {
    return (await this.tenants.find(tenantId, tx))?.expiryReminderDays ?? null;
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
    if (request.recoverableTokens === true && !this.recovery.available) {
      throw new TenantError(
        TenantErrorCode.TokenRecoveryUnavailable,
        'Recoverable tokens cannot be turned on: this Latchkey has no TOKEN_RECOVERY_KEY configured. ' +
          'Ask its operator.',
      );
    }
    const id = principal.tenantId;
    await this.tenant(id);
    const now = new Date();
    const tenant = await this.unitOfWork.run(async (tx) => {
      const current = await this.tenants.lock(tx, id);
      if (!current) throw new Error(`tenant ${id} vanished`);
      const { changes, previous } = policyChanges(current, request);
      if (Object.keys(changes).length === 0) return current;
      const violation = idlePolicyViolation({ ...current, ...changes });
      if (violation) throw violation;
      await this.tenants.updatePolicy(tx, id, changes);
      // Off means not kept: every copy goes in the same transaction (issuing waits on the tenant's lock).
      if (changes.recoverableTokens === false) await this.recovery.forgetTenant(tx, id);
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
