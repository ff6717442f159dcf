import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIssuer, unusedImpact } from '../../test/fake-api';
import { renderWithApi } from '../../test/render';
import { RevokeTokenDialog } from './RevokeTokenDialog';
import { UsageChart } from './UsageChart';

describe('revoke impact', () => {
  it("answers seed 004's checklist with data before the confirm button", async () => {
    const issuer = new FakeIssuer();
    const token = issuer.token({ name: 'crm' });
    const successor = issuer.token({ name: 'crm-v2' });
    const impact = unusedImpact(token.id);
    impact.verificationsPerDay[29] = { ...impact.verificationsPerDay[29], ok: 40, refused: 2 };
    issuer.impacts.set(token.id, {
      ...impact,
      lastUsedAt: new Date(Date.now() - 3_600_000).toISOString(),
      last30Days: { total: 42, ok: 40, refused: 2, byReason: { OK: 40, REVOKED: 2 } },
      callers: [{ caller: 'billing-api', count: 42, lastSeenDay: impact.verificationsPerDay[29].day }],
      successor: { id: successor.id, name: 'crm-v2', status: 'active', lastUsedAt: null, inUse: false },
      pendingRenewalOffers: [
        { id: 'offer-1', dueAt: '2026-12-05T00:00:00.000Z', windowEndsAt: '2026-12-08T00:00:00.000Z' },
      ],
      warnings: ['USED_RECENTLY', 'SUCCESSOR_NOT_IN_USE', 'CANCELS_RENEWAL_OFFERS'],
    });

    renderWithApi(<RevokeTokenDialog token={token} onClose={() => undefined} />, issuer);

    const preview = await screen.findByRole('region', { name: 'Revoke impact' });
    expect(within(preview).getByText('It was used in the last 24 hours.')).toBeTruthy();
    expect(preview.textContent).toContain('40 OK and 2 refused verifications in 30 days (REVOKED 2)');
    expect(preview.textContent).toContain('Callers: billing-api.');
    expect(preview.textContent).toContain('No: crm-v2 has not been used yet.');
    expect(preview.textContent).toContain('Revoking cancels 1 pending renewal offer');
    expect(within(preview).getByRole('img').getAttribute('aria-label')).toContain('40 OK, 2 refused');
    expect(screen.getByRole('button', { name: 'Revoke token' })).toBeTruthy();
  });

  it('says when a token was never used and has no replacement', async () => {
    const issuer = new FakeIssuer();
    const token = issuer.token({ name: 'idle' });
    renderWithApi(<RevokeTokenDialog token={token} onClose={() => undefined} />, issuer);
    const preview = await screen.findByRole('region', { name: 'Revoke impact' });
    expect(preview.textContent).toContain('Never used; no verifications in 30 days.');
    expect(preview.textContent).toContain('No replacement key');
    expect(within(preview).queryByRole('status')).toBeNull();
  });
});

describe('usage chart', () => {
  it('draws one bar per bucket with its figures, and names the callers', async () => {
    const issuer = new FakeIssuer();
    const token = issuer.token();
    const start = Date.UTC(2026, 11, 3, 10);
    issuer.usages.set(token.id, {
      tokenId: token.id,
      granularity: 'hour',
      from: new Date(start).toISOString(),
      to: new Date(start + 3 * 3_600_000).toISOString(),
      buckets: [0, 1, 2].map((i) => ({
        start: new Date(start + i * 3_600_000).toISOString(),
        total: i * 3,
        ok: i * 2,
        refused: i,
        byReason: { OK: i * 2, EXPIRED: i },
      })),
      totals: { total: 9, ok: 6, refused: 3, byReason: { OK: 6, EXPIRED: 3 } },
      callers: [
        { caller: 'billing-api', count: 7, lastSeenDay: new Date(start).toISOString() },
        { caller: null, count: 2, lastSeenDay: new Date(start).toISOString() },
      ],
    });
    renderWithApi(<UsageChart tokenId={token.id} />, issuer);

    const chart = await screen.findByRole('img', { name: /Verifications per hour/ });
    expect(chart.getAttribute('aria-label')).toBe(
      'Verifications per hour: 6 OK, 3 refused, at most 6 in one hour',
    );
    expect(within(chart).getAllByTestId('usage-bar')).toHaveLength(3);
    expect(screen.getByText(/Callers: billing-api \(7\), unnamed \(2\)/)).toBeTruthy();
    const section = screen.getByRole('region', { name: 'Verifications' });
    expect(section.textContent).toContain('6 OK · 3 refused (EXPIRED 3)');
  });
});
