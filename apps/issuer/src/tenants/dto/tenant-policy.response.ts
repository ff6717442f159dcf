import { ApiProperty } from '@nestjs/swagger';
import { TOKEN_RIGHTS, type TokenRights } from '@latchkey/contracts';
import type { TenantPolicyView } from '../tenant-policy.service';
import {
  ADMIN_REVOCATION_POLICIES,
  type AdminRevocationPolicy,
  TOKEN_ISSUANCE_POLICIES,
  TOKEN_VISIBILITY_POLICIES,
  type TokenIssuancePolicy,
  type TokenVisibilityPolicy,
} from '../governance-policy';
import { TENANT_PLANS, type TenantPlan } from '../tenant-plan';
import {
  ADMIN_REVOCATION_DESCRIPTION,
  DEFAULT_RIGHTS_DESCRIPTION,
  EXPIRY_REMINDER_DAYS_DESCRIPTION,
  IDLE_REVOKE_AFTER_DAYS_MAX,
  IDLE_REVOKE_AFTER_DAYS_MIN,
  IDLE_REVOKE_AFTER_DESCRIPTION,
  IDLE_WARNING_DAYS_MAX,
  IDLE_WARNING_DESCRIPTION,
  RECOVERABLE_TOKENS_DESCRIPTION,
  MAX_LIFETIME_DAYS_LIMIT,
  TOKEN_ISSUANCE_DESCRIPTION,
  TOKEN_VISIBILITY_DESCRIPTION,
} from './update-tenant-policy.dto';
import { MAX_EXPIRY_REMINDER_DAY, MAX_EXPIRY_REMINDERS } from '@latchkey/contracts';

/** `TenantPolicyView` for the OpenAPI document; the service returns plain objects. */
export class TenantPolicyResponse implements TenantPolicyView {
  @ApiProperty({
    enum: TENANT_PLANS,
    description: 'Set by the operator, never by the tenant.',
    example: 'team',
  })
  plan!: TenantPlan;

  @ApiProperty({ description: 'Whether the plan includes API access (issuing tokens).', example: true })
  apiAccess!: boolean;

  @ApiProperty({ description: 'Whether every new token must have an expiry.', example: false })
  requireExpiry!: boolean;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIFETIME_DAYS_LIMIT,
    nullable: true,
    description: 'The longest lifetime a new token may have, in days; null: no limit.',
    example: null,
  })
  maxLifetimeDays!: number | null;

  @ApiProperty({
    enum: TOKEN_ISSUANCE_POLICIES,
    description: TOKEN_ISSUANCE_DESCRIPTION,
    example: 'all_members',
  })
  tokenIssuance!: TokenIssuancePolicy;

  @ApiProperty({
    enum: TOKEN_VISIBILITY_POLICIES,
    description: TOKEN_VISIBILITY_DESCRIPTION,
    example: 'admins_see_all',
  })
  tokenVisibility!: TokenVisibilityPolicy;

  @ApiProperty({
    enum: ADMIN_REVOCATION_POLICIES,
    description: ADMIN_REVOCATION_DESCRIPTION,
    example: 'any_token',
  })
  adminRevocation!: AdminRevocationPolicy;

  @ApiProperty({ enum: TOKEN_RIGHTS, description: DEFAULT_RIGHTS_DESCRIPTION, example: 'read' })
  defaultRights!: TokenRights;

  @ApiProperty({ description: RECOVERABLE_TOKENS_DESCRIPTION, example: false })
  recoverableTokens!: boolean;

  @ApiProperty({
    type: 'integer',
    minimum: IDLE_REVOKE_AFTER_DAYS_MIN,
    maximum: IDLE_REVOKE_AFTER_DAYS_MAX,
    nullable: true,
    description: IDLE_REVOKE_AFTER_DESCRIPTION,
    example: null,
  })
  idleRevokeAfterDays!: number | null;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: IDLE_WARNING_DAYS_MAX,
    description: IDLE_WARNING_DESCRIPTION,
    example: 7,
  })
  idleWarningDays!: number;

  @ApiProperty({
    type: 'integer',
    isArray: true,
    nullable: true,
    maxItems: MAX_EXPIRY_REMINDERS,
    minimum: 0,
    maximum: MAX_EXPIRY_REMINDER_DAY,
    description: EXPIRY_REMINDER_DAYS_DESCRIPTION,
    example: null,
  })
  expiryReminderDays!: number[] | null;
}
