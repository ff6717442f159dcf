import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { TokenRights } from '@latchkey/contracts';
import type { AdminRevocationPolicy, TokenIssuancePolicy, TokenVisibilityPolicy } from './governance-policy';
import type { TenantPlan } from './tenant-plan';

/**
 * A tenant's plan (set by the operator) and its token policy (set by its owners). Created lazily, with
 * the default plan, the first time the issuer needs it. The issuer owns this table.
 */
@Entity({ name: 'tenants' })
@Check('tenants_plan_check', `"plan" IN ('free', 'team', 'enterprise')`)
@Check('tenants_max_lifetime_days_check', `"max_lifetime_days" BETWEEN 1 AND 3650`)
@Check('tenants_token_issuance_check', `"token_issuance" IN ('all_members', 'admins_only')`)
@Check('tenants_token_visibility_check', `"token_visibility" IN ('admins_see_all', 'own_tokens_only')`)
@Check('tenants_admin_revocation_check', `"admin_revocation" IN ('any_token', 'agent_tokens_only')`)
@Check('tenants_default_rights_check', `"default_rights" IN ('read', 'read_write')`)
@Check('tenants_idle_revoke_after_days_check', `"idle_revoke_after_days" BETWEEN 2 AND 3650`)
@Check('tenants_idle_warning_days_check', `"idle_warning_days" BETWEEN 1 AND 365`)
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

  /** Who may issue tokens (governance-policy.ts). */
  @Column('varchar', { name: 'token_issuance', length: 32, default: 'all_members' })
  tokenIssuance!: TokenIssuancePolicy;

  /** Who sees and manages whose tokens. */
  @Column('varchar', { name: 'token_visibility', length: 32, default: 'admins_see_all' })
  tokenVisibility!: TokenVisibilityPolicy;

  /** What owners and admins may revoke of other people's tokens. */
  @Column('varchar', { name: 'admin_revocation', length: 32, default: 'any_token' })
  adminRevocation!: AdminRevocationPolicy;

  /** The rights preset a create request without `rights` or `scopes` gets (seed 002: "Grant the least"). */
  @Column('varchar', { name: 'default_rights', length: 16, default: 'read' })
  defaultRights!: TokenRights;

  /**
   * Whether new tokens' plaintext is kept, encrypted, so that their owner can reveal it again (seed 003).
   * Off by default: seeds 000, 002 and 004 show a token once.
   */
  @Column('boolean', { name: 'recoverable_tokens', default: false })
  recoverableTokens!: boolean;

  /** Tokens unused for this many days (since their last use, or creation) are revoked; null: never. */
  @Column('integer', { name: 'idle_revoke_after_days', nullable: true })
  idleRevokeAfterDays!: number | null;

  /** How many days before an idle revocation the token's owner and technical owner are warned. */
  @Column('integer', { name: 'idle_warning_days', default: 7 })
  idleWarningDays!: number;

  /** Days before expiry on which owners are reminded (and TokenExpiring announced); null: the default. */
  // JSON rather than integer[]: the API validates it (distinct whole numbers, at most six).
  @Column('jsonb', { name: 'expiry_reminder_days', nullable: true })
  expiryReminderDays!: number[] | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
