import { ApiProperty } from '@nestjs/swagger';
import type { TenantPolicyView } from '../tenant-policy.service';
import { TENANT_PLANS, type TenantPlan } from '../tenant-plan';
import { MAX_LIFETIME_DAYS_LIMIT } from './update-tenant-policy.dto';

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
}
