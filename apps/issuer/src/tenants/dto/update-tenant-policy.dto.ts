import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min, ValidateIf } from 'class-validator';

export const MAX_LIFETIME_DAYS_LIMIT = 3650;

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
}
