import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../audit-event.entity';
import type { AuditEventPage, AuditEventView } from '../audit-log.service';

/** `AuditEventView` for the OpenAPI document; the service returns plain objects. */
export class AuditEventResponse implements AuditEventView {
  @ApiProperty({ format: 'uuid', description: 'The id of the event this entry records.' })
  id!: string;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES, example: 'token.revoked' })
  type!: AuditEventType;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Who did it; null for usage summaries (a token, not a person, was used).',
    example: 'alice',
  })
  actorId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The token the entry is about (for a renewal, the old one; the new one is in `details`).',
  })
  tokenId!: string | null;

  @ApiProperty({ description: "The event's subject: a token id, or a user id for member events." })
  subjectId!: string;

  @ApiProperty({ format: 'date-time', description: 'When it happened.' })
  occurredAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When the audit log learnt of it.' })
  recordedAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data, as published.",
  })
  details!: Record<string, unknown>;
}

export class AuditEventPageResponse implements AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] })
  items!: AuditEventResponse[];

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  page!: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 50 })
  pageSize!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Matching entries on all pages.', example: 1 })
  total!: number;
}
