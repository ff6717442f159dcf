import { createEvent, EventType, type LatchkeyEvent } from '@latchkey/contracts';
import { toAuditEntry } from './audit-recorder.service';

const tokenId = '0b6f1c52-5f0e-4d47-9c39-6a8f1b1d2e01';
const newTokenId = '7d1f0a43-2b9e-4c1a-8f3e-0e5d6c7b8a92';
const time = new Date('2026-03-10T12:00:00.000Z');
const base = { source: 'latchkey/issuer', tenantId: 'acme', time };

const cases: [string, LatchkeyEvent, { type: string; actorId: string | null; tokenId: string | null }][] = [
  [
    'a created token',
    createEvent(EventType.TokenCreated, {
      ...base,
      subject: tokenId,
      data: {
        tokenId,
        name: 'crm',
        keyPrefix: 'lk_abcde',
        createdBy: 'carla',
        createdAt: time.toISOString(),
        expiresAt: null,
      },
    }),
    { type: 'token.created', actorId: 'carla', tokenId },
  ],
  [
    'an edited token',
    createEvent(EventType.TokenUpdated, {
      ...base,
      subject: tokenId,
      data: { tokenId, updatedBy: 'uwe', changes: { description: 'nightly sync' } },
    }),
    { type: 'token.updated', actorId: 'uwe', tokenId },
  ],
  [
    'a revoked token',
    createEvent(EventType.TokenRevoked, {
      ...base,
      subject: tokenId,
      data: { tokenId, revokedBy: 'rita', revokedAt: time.toISOString() },
    }),
    { type: 'token.revoked', actorId: 'rita', tokenId },
  ],
  [
    'a renewal (about the old token)',
    createEvent(EventType.TokenRenewed, {
      ...base,
      subject: tokenId,
      data: { oldTokenId: tokenId, newTokenId, oldTokenEndsAt: time.toISOString(), renewedBy: 'rene' },
    }),
    { type: 'token.renewed', actorId: 'rene', tokenId },
  ],
  [
    'a usage summary (no actor)',
    createEvent(EventType.TokenUsed, {
      ...base,
      subject: tokenId,
      data: { tokenId, count: 7, lastUsedAt: time.toISOString(), verifierInstance: 'verifier-1' },
    }),
    { type: 'token.used', actorId: null, tokenId },
  ],
  [
    'a role change (no token)',
    createEvent(EventType.MemberRoleChanged, {
      ...base,
      subject: 'mia',
      data: { userId: 'mia', oldRole: 'member', newRole: 'admin', changedBy: 'olga' },
    }),
    { type: 'member.role_changed', actorId: 'olga', tokenId: null },
  ],
  [
    'a removed member (no token)',
    createEvent(EventType.MemberRemoved, {
      ...base,
      subject: 'mia',
      data: { userId: 'mia', removedBy: 'olga' },
    }),
    { type: 'member.removed', actorId: 'olga', tokenId: null },
  ],
  [
    'a changed tenant policy (no token)',
    createEvent(EventType.TenantPolicyChanged, {
      ...base,
      subject: 'acme',
      data: {
        changedBy: 'olga',
        changes: { adminRevocation: 'agent_tokens_only' },
        previous: { adminRevocation: 'any_token' },
      },
    }),
    { type: 'tenant.policy_changed', actorId: 'olga', tokenId: null },
  ],
  [
    'a revealed recoverable token (seed 003)',
    createEvent(EventType.TokenRevealed, {
      ...base,
      subject: tokenId,
      data: { tokenId, revealedBy: 'olga', revealedAt: '2025-05-01T12:00:00.000Z' },
    }),
    { type: 'token.revealed', actorId: 'olga', tokenId },
  ],
  [
    'an expiry notice (issue 14), given by no one',
    createEvent(EventType.TokenExpiring, {
      ...base,
      subject: tokenId,
      data: { tokenId, expiresAt: '2025-06-01T12:00:00.000Z', daysBefore: 30, ownerId: 'alice' },
    }),
    { type: 'token.expiring', actorId: null, tokenId },
  ],
  [
    'an idle warning (issue 14), given by no one',
    createEvent(EventType.TokenIdleWarning, {
      ...base,
      subject: tokenId,
      data: {
        tokenId,
        idleSince: '2025-01-01T12:00:00.000Z',
        revokeAt: '2025-05-08T12:00:00.000Z',
        idleRevokeAfterDays: 90,
        ownerId: 'alice',
        technicalOwner: null,
      },
    }),
    { type: 'token.idle_warning', actorId: null, tokenId },
  ],
];

const verdicts = createEvent(EventType.TokenVerificationsCounted, {
  ...base,
  source: 'latchkey/verifier',
  subject: tokenId,
  data: {
    tokenId,
    verifierInstance: 'verifier-1',
    counts: [{ minute: '2026-03-10T12:00:00.000Z', reason: 'REVOKED', caller: null, count: 3 }],
  },
});

describe('toAuditEntry', () => {
  it('has a case for every event type', () => {
    expect(new Set([...cases.map(([, event]) => event.type), verdicts.type])).toEqual(
      new Set(Object.values(EventType)),
    );
  });

  it('keeps no entry for per-minute verification counts (the usage tables hold them)', () => {
    expect(toAuditEntry(verdicts)).toBeNull();
  });

  it.each(cases)('records %s with its type name, actor and token', (_, event, expected) => {
    expect(toAuditEntry(event)).toEqual({
      id: event.id,
      tenantId: 'acme',
      subjectId: event.subject,
      occurredAt: time,
      details: event.data,
      ...expected,
    });
  });

  it('credits a successor to who issued it, beside its owner', () => {
    const successor = createEvent(EventType.TokenCreated, {
      ...base,
      subject: tokenId,
      data: {
        tokenId,
        name: 'crm',
        keyPrefix: 'lk_abcde',
        createdBy: 'olga',
        createdAt: time.toISOString(),
        expiresAt: null,
        performedBy: 'system:auto-renewal',
      },
    });
    expect(toAuditEntry(successor)).toMatchObject({
      actorId: 'system:auto-renewal',
      details: { createdBy: 'olga' },
    });
  });

  it('keeps the successor of a renewal in the details', () => {
    const [, renewal] = cases[3];
    expect(toAuditEntry(renewal)?.details).toMatchObject({ oldTokenId: tokenId, newTokenId });
  });

  it('keeps the usage summary: count, last use and the verifier', () => {
    const [, usage] = cases[4];
    expect(toAuditEntry(usage)).toMatchObject({
      type: 'token.used',
      actorId: null,
      details: { count: 7, lastUsedAt: time.toISOString(), verifierInstance: 'verifier-1' },
    });
  });

  it('keys the entry by the event id, so a redelivery maps to the same row', () => {
    const [, event] = cases[0];
    expect(toAuditEntry(event)?.id).toBe(toAuditEntry(structuredClone(event))?.id);
  });
});
