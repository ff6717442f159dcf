import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  isISO8601,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../audit-event.entity';
import { MAX_PAGE } from '../../database/pagination';

export const DEFAULT_AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 200;

/** An ISO 8601 date or date-time that names one instant (week and ordinal dates are refused). */
const IsIsoInstant = (): PropertyDecorator =>
  ValidateBy({
    name: 'isIsoInstant',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value)),
      defaultMessage: () => '$property must be an ISO 8601 date or date-time',
    },
  });

/** `GET /v1/audit-events`: newest first, 50 per page; every filter optional, unknown ones refused. */
export class ListAuditEventsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_AUDIT_PAGE_SIZE,
    default: DEFAULT_AUDIT_PAGE_SIZE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE_SIZE)
  pageSize: number = DEFAULT_AUDIT_PAGE_SIZE;

  /** Entries about this token (for a renewal, the old token). */
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Entries about this token (for a renewal, the old token).',
  })
  @IsOptional()
  @IsUUID()
  tokenId?: string;

  /** Entries of this person's actions. */
  @ApiPropertyOptional({ maxLength: 255, description: "Entries of this person's actions (their user id)." })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  actorId?: string;

  @ApiPropertyOptional({ enum: AUDIT_EVENT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES)
  type?: AuditEventType;

  /** Entries that occurred at or after this instant. */
  @ApiPropertyOptional({
    description: 'Entries that occurred at or after this instant: an ISO 8601 date or date-time.',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoInstant()
  from?: string;

  /** Entries that occurred before this instant (exclusive). */
  @ApiPropertyOptional({
    description: 'Entries that occurred before this instant (exclusive): an ISO 8601 date or date-time.',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoInstant()
  to?: string;
}
