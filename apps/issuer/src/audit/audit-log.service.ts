import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import { requireRole } from '../auth/roles';
import { AuditEventsRepository } from './audit-events.repository';
import type { AuditEvent, AuditEventType } from './audit-event.entity';
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
  constructor(private readonly entries: AuditEventsRepository) {}

  async list(principal: AdminPrincipal, query: ListAuditEventsQuery): Promise<AuditEventPage> {
    requireRole(principal, ['owner', 'admin'], 'read the audit log');
    const { entries, total } = await this.entries.page(principal.tenantId, query);
    return { items: entries.map(toAuditEventView), page: query.page, pageSize: query.pageSize, total };
  }
}
