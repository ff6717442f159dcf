import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANULARITIES } from '../verification-counts.repository';

const REASONS_DESCRIPTION =
  'Verdicts by reason (`OK` and the refusal reasons of the verifier, e.g. `REVOKED`, `EXPIRED`, ' +
  '`INSUFFICIENT_SCOPE`); reasons with no verdict are left out.';

export class VerdictTotalsResponse {
  @ApiProperty({ description: 'Every verdict counted.' })
  total!: number;

  @ApiProperty({ description: 'Verdicts OK.' })
  ok!: number;

  @ApiProperty({ description: 'Refusals (every reason but OK).' })
  refused!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: REASONS_DESCRIPTION,
    example: { OK: 120, REVOKED: 3 },
  })
  byReason!: Record<string, number>;
}

export class UsageBucketResponse extends VerdictTotalsResponse {
  @ApiProperty({ format: 'date-time', description: 'Start of the bucket (UTC).' })
  start!: string;
}

export class CallerUsageResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The name the caller gave itself (`caller` on verify); null for callers that gave none; `(other)` for ' +
      'names past the verifier’s bound per token and minute.',
  })
  caller!: string | null;

  @ApiProperty({ description: 'Verdicts for this caller in the range (whole UTC days).' })
  count!: number;

  @ApiProperty({ format: 'date-time', description: 'Start of the last UTC day it was seen.' })
  lastSeenDay!: string;
}

export class TokenUsageResponse {
  @ApiProperty({ format: 'uuid' })
  tokenId!: string;

  @ApiProperty({ enum: GRANULARITIES })
  granularity!: string;

  @ApiProperty({ format: 'date-time', description: 'Start of the first bucket.' })
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'End of the last bucket (exclusive).' })
  to!: string;

  @ApiProperty({
    type: [UsageBucketResponse],
    description: 'Every bucket of the range, oldest first, zeros included.',
  })
  buckets!: UsageBucketResponse[];

  @ApiProperty({ type: VerdictTotalsResponse })
  totals!: VerdictTotalsResponse;

  @ApiProperty({
    type: [CallerUsageResponse],
    description: 'Callers seen in the range, most verdicts first (at most 50).',
  })
  callers!: CallerUsageResponse[];
}

export class TokenUsageSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  tokenId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  ok!: number;

  @ApiProperty()
  refused!: number;
}

export class TenantUsageResponse {
  @ApiProperty({ enum: GRANULARITIES })
  granularity!: string;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ type: [UsageBucketResponse] })
  buckets!: UsageBucketResponse[];

  @ApiProperty({ type: VerdictTotalsResponse })
  totals!: VerdictTotalsResponse;

  @ApiPropertyOptional({
    type: [TokenUsageSummaryResponse],
    description: 'The tokens with the most verdicts in the range (whole UTC hours), at most 20.',
  })
  tokens!: TokenUsageSummaryResponse[];
}
