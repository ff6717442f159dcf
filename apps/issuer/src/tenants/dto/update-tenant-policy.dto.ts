import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  MAX_EXPIRY_REMINDER_DAY,
  MAX_EXPIRY_REMINDERS,
  TOKEN_RIGHTS,
  type TokenRights,
} from '@latchkey/contracts';
import {
  ADMIN_REVOCATION_POLICIES,
  type AdminRevocationPolicy,
  TOKEN_ISSUANCE_POLICIES,
  TOKEN_VISIBILITY_POLICIES,
  type TokenIssuancePolicy,
  type TokenVisibilityPolicy,
} from '../governance-policy';

export const MAX_LIFETIME_DAYS_LIMIT = 3650;

/* The governance choices, described once for the request and the response. */
export const TOKEN_ISSUANCE_DESCRIPTION =
  'Who may issue tokens (create, rotate, renew, switch auto-renewal on). `all_members` (default): every ' +
  'member. `admins_only`: owners and admins; members get 403 `POLICY_ISSUANCE_ADMINS_ONLY` and can still ' +
  'revoke their own tokens.';
export const TOKEN_VISIBILITY_DESCRIPTION =
  'Who sees and manages whose tokens. `admins_see_all` (default): owners and admins see every token of ' +
  'the tenant, members their own. `own_tokens_only`: everyone, owners included, sees and manages only the ' +
  'tokens they created; any other token is 404 `TOKEN_NOT_FOUND`, as an unknown one.';
export const ADMIN_REVOCATION_DESCRIPTION =
  "What owners and admins may revoke of other people's tokens. `any_token` (default). " +
  "`agent_tokens_only`: only tokens with `purpose: agent`; revoking anyone else's integration token is " +
  '403 `POLICY_REVOCATION_AGENT_TOKENS_ONLY`. Everyone may always revoke their own tokens.';

export const DEFAULT_RIGHTS_DESCRIPTION =
  'The rights preset a token created with neither `rights` nor `scopes` gets, and the one the console ' +
  'preselects: `read` (default; seed 002: "Grant the least"), every `:read` scope of the catalog, or ' +
  '`read_write`, the whole catalog. A member asking for neither under `read_write` gets `read`, all a ' +
  "member's role allows.";

export const RECOVERABLE_TOKENS_DESCRIPTION =
  'Whether new tokens (and successors of rotations and renewals) are kept encrypted so that their owner ' +
  'can reveal them again (seed 003: "click on Copy"): `false` (default; seeds 000, 002, 004 show a ' +
  "token once). Turning it on needs the service's TOKEN_RECOVERY_KEY (422 `TOKEN_RECOVERY_UNAVAILABLE`); " +
  "turning it off deletes every kept copy of the tenant's tokens at once.";

export const IDLE_REVOKE_AFTER_DAYS_MIN = 2;
export const IDLE_REVOKE_AFTER_DAYS_MAX = 3650;
export const IDLE_WARNING_DAYS_MAX = 365;

export const IDLE_REVOKE_AFTER_DESCRIPTION =
  'Revoke tokens unused for this many days (counted from their last use, or their creation if never ' +
  'used), with reason `idle`; null (default): never. The owner and the technical owner are mailed ' +
  '`idleWarningDays` before; a use in between cancels the revocation.';
export const IDLE_WARNING_DESCRIPTION =
  'How many days before an idle revocation the owner and the technical owner are warned by mail ' +
  '(default 7). Must be fewer than `idleRevokeAfterDays` (422 `IDLE_WARNING_TOO_LONG`).';
export const EXPIRY_REMINDER_DAYS_DESCRIPTION =
  'Days before expiry on which the owner of a token without auto-renewal is reminded by mail and ' +
  '`dev.latchkey.token.expiring` is announced (0: on the expiry day). Distinct whole numbers 0..' +
  `${MAX_EXPIRY_REMINDER_DAY}, at most ${MAX_EXPIRY_REMINDERS}, kept latest first; [] sends none; null ` +
  "(default): the service's days (30, 7 and 0 unless its operator chose others).";

/**
 * `PATCH /v1/tenant/policy`: only the fields given change. The plan is not here: the operator sets it,
 * never the tenant, so a `plan` field is refused like any unknown field.
 */
export class UpdateTenantPolicyDto {
  @ApiPropertyOptional({ description: 'Whether every new token must have an expiry.', example: true })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  requireExpiry?: boolean;

  /** Whole days, 1..3650; null removes the limit. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIFETIME_DAYS_LIMIT,
    nullable: true,
    description: 'The longest lifetime a new token may have, in whole days; null removes the limit.',
    example: 90,
  })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_LIFETIME_DAYS_LIMIT)
  maxLifetimeDays?: number | null;

  @ApiPropertyOptional({ enum: TOKEN_ISSUANCE_POLICIES, description: TOKEN_ISSUANCE_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsIn(TOKEN_ISSUANCE_POLICIES)
  tokenIssuance?: TokenIssuancePolicy;

  @ApiPropertyOptional({ enum: TOKEN_VISIBILITY_POLICIES, description: TOKEN_VISIBILITY_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsIn(TOKEN_VISIBILITY_POLICIES)
  tokenVisibility?: TokenVisibilityPolicy;

  @ApiPropertyOptional({ enum: ADMIN_REVOCATION_POLICIES, description: ADMIN_REVOCATION_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsIn(ADMIN_REVOCATION_POLICIES)
  adminRevocation?: AdminRevocationPolicy;

  @ApiPropertyOptional({ enum: TOKEN_RIGHTS, description: DEFAULT_RIGHTS_DESCRIPTION })
  @ValidateIf((_, value) => value !== undefined)
  @IsIn(TOKEN_RIGHTS)
  defaultRights?: TokenRights;

  @ApiPropertyOptional({ description: RECOVERABLE_TOKENS_DESCRIPTION, example: false })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  recoverableTokens?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: IDLE_REVOKE_AFTER_DAYS_MIN,
    maximum: IDLE_REVOKE_AFTER_DAYS_MAX,
    nullable: true,
    description: IDLE_REVOKE_AFTER_DESCRIPTION,
    example: 90,
  })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsInt()
  @Min(IDLE_REVOKE_AFTER_DAYS_MIN)
  @Max(IDLE_REVOKE_AFTER_DAYS_MAX)
  idleRevokeAfterDays?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: IDLE_WARNING_DAYS_MAX,
    description: IDLE_WARNING_DESCRIPTION,
    example: 7,
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsInt()
  @Min(1)
  @Max(IDLE_WARNING_DAYS_MAX)
  idleWarningDays?: number;

  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    nullable: true,
    maxItems: MAX_EXPIRY_REMINDERS,
    uniqueItems: true,
    minimum: 0,
    maximum: MAX_EXPIRY_REMINDER_DAY,
    description: EXPIRY_REMINDER_DAYS_DESCRIPTION,
    example: [60, 30, 7],
  })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMaxSize(MAX_EXPIRY_REMINDERS)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(MAX_EXPIRY_REMINDER_DAY, { each: true })
  expiryReminderDays?: number[] | null;
}
