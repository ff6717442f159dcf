import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The stable names entries are stored and filtered by. Stored data: renaming one needs a migration.
 * `toAuditEntry` maps every event type to one of them.
 */
export const AUDIT_EVENT_TYPES = [
  'token.created',
  'token.updated',
  'token.revoked',
  'token.renewed',
  'token.used',
  'member.role_changed',
  'member.removed',
  'tenant.policy_changed',
  'token.revealed',
  'token.expiring',
  'token.idle_warning',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * One entry of a tenant's audit log, recorded from the event it describes (seed 002). Append-only: the
 * primary key is the event id, so a redelivered event adds nothing, and a trigger refuses UPDATE and
 * DELETE (migration AuditEvents1763900000400). The issuer owns this table and only ever inserts.
 */
@Entity({ name: 'audit_events' })
// The migration creates this index with `occurred_at DESC` (the log is read newest first); TypeORM
// cannot express a column's order and does not compare it.
@Index('audit_events_tenant_occurred_idx', ['tenantId', 'occurredAt'])
@Index('audit_events_tenant_token_idx', ['tenantId', 'tokenId'])
export class AuditEvent {
  /** The id of the event this entry records. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  type!: AuditEventType;

  /** Who did it; null for usage summaries (a token, not a person, was used). */
  @Column('text', { name: 'actor_id', nullable: true })
  actorId!: string | null;

  /** The token the entry is about (for a renewal, the old token; the new one is in `details`). */
  @Column('uuid', { name: 'token_id', nullable: true })
  tokenId!: string | null;

  /** The event's subject: a token id, a user id for member events, the tenant id for policy changes. */
  @Column('text', { name: 'subject_id' })
  subjectId!: string;

  /** When it happened (the event's time). */
  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  /** When the audit log learnt of it. */
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' })
  recordedAt!: Date;

  /** The event's data, as published. */
  @Column('jsonb')
  details!: Record<string, unknown>;
}
