import { FORBIDDEN_ROLE } from '../auth/roles';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { AdminPrincipal } from '../auth/admin-principal';
import type { AuditEvent } from './audit-event.entity';
import { AuditLogService, toAuditEventView } from './audit-log.service';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

describe('AuditLogService roles', () => {
  // The role is checked before any database access: no data source is needed to refuse.
  const service = new AuditLogService(undefined as never);
  const member: AdminPrincipal = {
    userId: 'mo',
    tenantId: 'acme',
    role: 'member',
    email: null,
    emailVerified: true,
  };

  it('refuses members (403 FORBIDDEN_ROLE)', async () => {
    await expect(service.list(member, new ListAuditEventsQuery())).rejects.toMatchObject({
      code: FORBIDDEN_ROLE,
      status: 403,
    });
  });
});

describe('toAuditEventView', () => {
  it('shows times as ISO strings and leaves the tenant out', () => {
    const entry: AuditEvent = {
      id: 'e1',
      tenantId: 'acme',
      type: 'token.revoked',
      actorId: 'rita',
      tokenId: 't1',
      subjectId: 't1',
      occurredAt: new Date('2026-03-10T12:00:00.000Z'),
      recordedAt: new Date('2026-03-10T12:00:01.000Z'),
      details: { tokenId: 't1' },
    };
    expect(toAuditEventView(entry)).toEqual({
      id: 'e1',
      type: 'token.revoked',
      actorId: 'rita',
      tokenId: 't1',
      subjectId: 't1',
      occurredAt: '2026-03-10T12:00:00.000Z',
      recordedAt: '2026-03-10T12:00:01.000Z',
      details: { tokenId: 't1' },
    });
  });
});

describe('ListAuditEventsQuery', () => {
  const check = async (query: Record<string, unknown>) => {
    const instance = plainToInstance(ListAuditEventsQuery, query);
    const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
    return { instance, failed: errors.map((e) => e.property) };
  };

  it('defaults to the first page of 50', async () => {
    const { instance, failed } = await check({});
    expect(failed).toEqual([]);
    expect(instance).toMatchObject({ page: 1, pageSize: 50 });
  });

  it('accepts every filter', async () => {
    const { failed } = await check({
      tokenId: '0b6f1c52-5f0e-4d47-9c39-6a8f1b1d2e01',
      actorId: 'carla',
      type: 'member.role_changed',
      from: '2026-03-01',
      to: '2026-03-10T12:00:00Z',
      page: '2',
      pageSize: '200',
    });
    expect(failed).toEqual([]);
  });

  it.each([
    ['an unknown type', { type: 'token.deleted' }, 'type'],
    ['a raw event type', { type: 'dev.latchkey.token.created' }, 'type'],
    ['a malformed token id', { tokenId: 'abc' }, 'tokenId'],
    ['a time that is not ISO 8601', { from: 'yesterday' }, 'from'],
    ['an ISO week date', { to: '2026-W10' }, 'to'],
    ['an impossible date', { from: '2026-02-30' }, 'from'],
    ['a page size over 200', { pageSize: '201' }, 'pageSize'],
    ['page 0', { page: '0' }, 'page'],
    ['an unknown parameter', { tenantId: 'other' }, 'tenantId'],
  ])('refuses %s', async (_, query, property) => {
    expect((await check(query)).failed).toContain(property);
  });
});
