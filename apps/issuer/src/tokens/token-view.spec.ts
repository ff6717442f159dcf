import { ageWarning, tokenStatus } from './token-view';

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
