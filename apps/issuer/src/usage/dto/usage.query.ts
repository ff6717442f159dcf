import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { GRANULARITIES, type Granularity } from '../verification-counts.repository';

/** `GET /v1/tokens/:id/usage` and `GET /v1/usage` query: a time range and a bucket size. */
export class UsageQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Start of the range (ISO 8601, inclusive), rounded down to its bucket. Default: `to` minus one hour ' +
      '(minute), one day (hour) or 30 days (day).',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'End of the range (ISO 8601, exclusive), rounded up to its bucket. Default: now.',
    example: '2026-12-02T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    enum: GRANULARITIES,
    default: 'hour',
    description:
      'Bucket size (UTC). A range holds at most 1440 minutes, 744 hours (31 days) or 731 days; minutes are ' +
      'kept 48 hours, hours 90 days, days 2 years by default (USAGE_*_RETENTION_* settings).',
  })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity: Granularity = 'hour';
}
