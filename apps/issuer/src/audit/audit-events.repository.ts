import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { fetchPage } from '../database/pagination';
import { AuditEvent } from './audit-event.entity';
import type { ListAuditEventsQuery } from './dto/list-audit-events.query';

/** A new audit entry, as derived from an event; `recordedAt` is the database's clock. */
export type NewAuditEntry = Omit<AuditEvent, 'recordedAt'>;

/** The append-only `audit_events` table (a trigger refuses updates and deletes). */
@Injectable()
export class AuditEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records an entry once: a redelivered event (same id) adds nothing. */
  async append(entry: NewAuditEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_events (id, tenant_id, type, actor_id, token_id, subject_id, occurred_at, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (id) DO NOTHING`,
      [
        entry.id,
        entry.tenantId,
        entry.type,
        entry.actorId,
        entry.tokenId,
        entry.subjectId,
        entry.occurredAt,
        JSON.stringify(entry.details),
      ],
    );
  }

  /** One page of the tenant's entries, newest first, filtered as asked, and how many match in all. */
  async page(
    tenantId: string,
    query: ListAuditEventsQuery,
  ): Promise<{ entries: AuditEvent[]; total: number }> {
    const builder = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('entry')
      .where('entry.tenantId = :tenantId', { tenantId });
    if (query.tokenId !== undefined) builder.andWhere('entry.tokenId = :tokenId', { tokenId: query.tokenId });
    if (query.actorId !== undefined) builder.andWhere('entry.actorId = :actorId', { actorId: query.actorId });
    if (query.type !== undefined) builder.andWhere('entry.type = :type', { type: query.type });
    if (query.from !== undefined) {
      builder.andWhere('entry.occurredAt >= :from', { from: new Date(query.from) });
    }
    if (query.to !== undefined) builder.andWhere('entry.occurredAt < :to', { to: new Date(query.to) });
    builder
      .orderBy('entry.occurredAt', 'DESC')
      .addOrderBy('entry.recordedAt', 'DESC')
      .addOrderBy('entry.id', 'DESC');
    const { rows, total } = await fetchPage(builder, 'entry', query.page, query.pageSize);
    return { entries: rows, total };
  }
}
