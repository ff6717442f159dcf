import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { AuditEvent, type AuditEventType } from './audit-event.entity';
import type { ListAuditEventsQuery } from './dto/list-audit-events.query';

/** One entry as `GET /v1/audit-events` shows it. */
export interface AuditEventView {
  id: string;
  type: AuditEventType;
  actorId: string | null;
  tokenId: string | null;
  subjectId: string;
  occurredAt: string;
  recordedAt: string;
  details: Record<string, unknown>;
}

export interface AuditEventPage {
  items: AuditEventView[];
  page: number;
  pageSize: number;
  total: number;
}

export function toAuditEventView(entry: AuditEvent): AuditEventView {
  return {
    id: entry.id,
    type: entry.type,
    actorId: entry.actorId,
    tokenId: entry.tokenId,
    subjectId: entry.subjectId,
    occurredAt: entry.occurredAt.toISOString(),
    recordedAt: entry.recordedAt.toISOString(),
    details: entry.details,
  };
}

/** Reads a tenant's audit log: owners and admins only, never another tenant's entries. */
@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(principal: AdminPrincipal, query: ListAuditEventsQuery): Promise<AuditEventPage> {
    requireRole(principal, ['owner', 'admin'], 'read the audit log');
    const builder = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('entry')
      .where('entry.tenantId = :tenantId', { tenantId: principal.tenantId });
    if (query.tokenId !== undefined) builder.andWhere('entry.tokenId = :tokenId', { tokenId: query.tokenId });
    if (query.actorId !== undefined) builder.andWhere('entry.actorId = :actorId', { actorId: query.actorId });
    if (query.type !== undefined) builder.andWhere('entry.type = :type', { type: query.type });
    if (query.from !== undefined) {
      builder.andWhere('entry.occurredAt >= :from', { from: new Date(query.from) });
    }
    if (query.to !== undefined) builder.andWhere('entry.occurredAt < :to', { to: new Date(query.to) });
    const [entries, total] = await builder
      .orderBy('entry.occurredAt', 'DESC')
      .addOrderBy('entry.recordedAt', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items: entries.map(toAuditEventView), page: query.page, pageSize: query.pageSize, total };
  }
}
