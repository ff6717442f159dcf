import { aToken } from './testing/a-token';
import type { Token } from './token.entity';
import {
  ageDays,
  ageWarning,
  listedStatus,
  toInternalTokenState,
  tokenStatus,
  toTokenView,
} from './token-view';

const now = new Date('2026-11-23T12:00:00.000Z');
const token = (
  createdAt: string,
  extra: { status?: 'active' | 'revoked'; expiresAt?: string | null } = {},
) => ({
  createdAt: new Date(createdAt),
  status: extra.status ?? 'active',
  expiresAt: extra.expiresAt ? new Date(extra.expiresAt) : null,
});

describe('token status and age warning', () => {
  it('is active and unremarkable when young', () => {
    expect(tokenStatus(token('2026-10-01T00:00:00Z'), now)).toBe('active');
    expect(ageWarning(token('2026-10-01T00:00:00Z'), now)).toBe('none');
  });

  it('warns after six months and after a year (seed 003)', () => {
    expect(ageWarning(token('2026-05-24T00:00:00Z'), now)).toBe('none');
    expect(ageWarning(token('2026-05-23T12:00:00Z'), now)).toBe('older_than_6_months');
    expect(ageWarning(token('2025-11-23T12:00:01Z'), now)).toBe('older_than_6_months');
    expect(ageWarning(token('2025-11-23T12:00:00Z'), now)).toBe('older_than_1_year');
  });

  it('is expired from the moment of its expiry', () => {
    const expiring = token('2026-01-01T00:00:00Z', { expiresAt: '2026-11-23T12:00:00.000Z' });
    expect(tokenStatus(expiring, now)).toBe('expired');
    expect(ageWarning(expiring, now)).toBe('expired');
    expect(tokenStatus(expiring, new Date(now.getTime() - 1))).toBe('active');
  });

  it('shows a revoked token as revoked, whatever its age or expiry', () => {
    const revoked = token('2020-01-01T00:00:00Z', { status: 'revoked', expiresAt: '2021-01-01T00:00:00Z' });
    expect(tokenStatus(revoked, now)).toBe('revoked');
    expect(ageWarning(revoked, now)).toBe('none');
  });
});

describe('status as the admin API shows it (seeds 000, 001)', () => {
  const live = token('2026-10-01T00:00:00Z', { expiresAt: '2027-10-01T00:00:00Z' });

  it('is owner_inactive for a live token whose owner is no longer an active member', () => {
    expect(listedStatus({ ...live, ownerActive: false }, now)).toBe('owner_inactive');
    expect(listedStatus({ ...live, ownerActive: true }, now)).toBe('active');
    // A row built in memory before it was read back: its owner is the one who just issued it.
    expect(listedStatus(live, now)).toBe('active');
  });

  it('says revoked or expired first, whoever the owner is', () => {
    const revoked = token('2026-10-01T00:00:00Z', { status: 'revoked' });
    const expired = token('2026-10-01T00:00:00Z', { expiresAt: '2026-11-01T00:00:00Z' });
    expect(listedStatus({ ...revoked, ownerActive: false }, now)).toBe('revoked');
    expect(listedStatus({ ...expired, ownerActive: false }, now)).toBe('expired');
  });

  it('keeps the lifecycle status for the worker and the age warning for the list', () => {
    const orphan = { ...aToken({ createdAt: new Date('2026-01-01T00:00:00Z') }), ownerActive: false };
    expect(toInternalTokenState(orphan, now).status).toBe('active');
    expect(toTokenView(orphan, now)).toMatchObject({
      status: 'owner_inactive',
      ageWarning: 'older_than_6_months',
    });
  });
});

describe('age in days (seed 003)', () => {
  it('counts whole days since creation', () => {
    expect(ageDays(token('2026-11-23T12:00:00Z'), now)).toBe(0);
    expect(ageDays(token('2026-11-22T12:00:01Z'), now)).toBe(0);
    expect(ageDays(token('2026-11-22T12:00:00Z'), now)).toBe(1);
    expect(ageDays(token('2025-11-23T12:00:00Z'), now)).toBe(365);
  });

  it('is never negative when the clock is a little behind the creation time', () => {
    expect(ageDays(token('2026-11-23T12:00:05Z'), now)).toBe(0);
  });

  it('is in the view, with who issued the token beside its owner', () => {
    const view = toTokenView(
      aToken({
        createdAt: new Date('2026-05-23T12:00:00Z'),
        issuedBy: 'system:auto-renewal',
        issuedByEmail: null,
      }),
      now,
    );
    expect(view).toMatchObject({
      ageDays: 184,
      ageWarning: 'older_than_6_months',
      createdBy: { id: 'alice', email: 'alice@acme.test' },
      issuedBy: { id: 'system:auto-renewal', email: null },
    });
  });
});

describe('token view', () => {
  const record = (extra: Partial<Token> = {}): Token =>
    aToken({
      description: null,
      expiresAt: null,
      usageCount: 3,
      scopes: ['*'],
      resources: [],
      ...extra,
    });
  const renewing = {
    renewalEveryDays: 30,
    renewalCallbackUrl: 'https://hooks.example.com/renewals',
    renewalMailRecipient: 'ops@acme.test',
    renewalNextAt: new Date('2026-12-01T00:00:00.000Z'),
  };

  it('shows no auto-renewal while it is off, and never the hash', () => {
    const view = toTokenView(record(), now);
    expect(view.autoRenewal).toBeNull();
    expect(JSON.stringify(view)).not.toContain('f'.repeat(64));
  });

  it('shows the auto-renewal settings and when the next renewal is due', () => {
    expect(toTokenView(record(renewing), now).autoRenewal).toEqual({
      everyDays: 30,
      callbackUrl: 'https://hooks.example.com/renewals',
      mailRecipient: 'ops@acme.test',
      nextRenewalAt: '2026-12-01T00:00:00.000Z',
    });
  });

  it('shows nothing due once the token was replaced or revoked', () => {
    const replaced = record({ ...renewing, renewalNextAt: null, replacedByTokenId: 'b'.repeat(8) });
    expect(toTokenView(replaced, now).autoRenewal).toMatchObject({ everyDays: 30, nextRenewalAt: null });
  });

  it('shows the lineage: the token it replaces and the one that replaced it', () => {
    const middle = record({ replacesTokenId: 'a'.repeat(8), replacedByTokenId: 'b'.repeat(8) });
    expect(toTokenView(middle, now)).toMatchObject({
      replacesTokenId: 'a'.repeat(8),
      replacedByTokenId: 'b'.repeat(8),
    });
    expect(toTokenView(record(), now)).toMatchObject({ replacesTokenId: null, replacedByTokenId: null });
  });

  it('gives the worker the state it schedules by', () => {
    expect(toInternalTokenState(record(renewing), now)).toEqual({
      id: '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f',
      tenantId: 'acme',
      name: 'crm',
      status: 'active',
      expiresAt: null,
      createdBy: 'alice',
      createdByEmail: 'alice@acme.test',
      autoRenewal: {
        everyDays: 30,
        callbackUrl: 'https://hooks.example.com/renewals',
        mailRecipient: 'ops@acme.test',
        nextRenewalAt: '2026-12-01T00:00:00.000Z',
      },
      replacedByTokenId: null,
      technicalOwner: null,
    });
    const revoked = record({ ...renewing, status: 'revoked', revokedAt: now, renewalNextAt: null });
    expect(toInternalTokenState(revoked, now)).toMatchObject({ status: 'revoked', autoRenewal: null });
    const expired = record({ expiresAt: new Date('2026-11-20T00:00:00.000Z') });
    expect(toInternalTokenState(expired, now).status).toBe('expired');
  });
});
