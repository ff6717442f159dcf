import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { TOKEN_RIGHTS, type TokenRights } from '@latchkey/contracts';
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
}
