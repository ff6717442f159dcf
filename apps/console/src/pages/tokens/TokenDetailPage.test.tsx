import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { renderWithApi } from '../../test/render';
import { TokenDetailPage } from './TokenDetailPage';

describe('token detail', () => {
  it('shows the lineage: the token it replaces and the one that replaced it, as links', async () => {
    const issuer = new FakeIssuer();
    const first = issuer.token({ name: 'crm-v1', status: 'revoked' });
    const middle = issuer.token({ name: 'crm-v2', replacesTokenId: first.id });
    const last = issuer.token({ name: 'crm-v3', replacesTokenId: middle.id });
    middle.replacedByTokenId = last.id;
    first.replacedByTokenId = middle.id;
    renderWithApi(<TokenDetailPage id={middle.id} />, issuer);

    const replaces = await screen.findByRole('link', { name: 'crm-v1' });
    expect(replaces.getAttribute('href')).toBe(`/console/tokens/${first.id}`);
    expect(replaces.parentElement?.textContent).toBe('Replaces crm-v1');
    const replacedBy = await screen.findByRole('link', { name: 'crm-v3' });
    expect(replacedBy.getAttribute('href')).toBe(`/console/tokens/${last.id}`);
    expect(replacedBy.parentElement?.textContent).toBe('Replaced by crm-v3');
  });

  it('says so when a token has no lineage', async () => {
    const issuer = new FakeIssuer();
    const token = issuer.token({ name: 'standalone' });
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);
    expect(await screen.findByText('Original token, not replaced')).toBeTruthy();
    expect(screen.queryByText(/^Replaces/)).toBeNull();
  });

  it("says why a removed owner's token is refused, and names issuer and owner", async () => {
    const issuer = new FakeIssuer();
    const token = issuer.token({
      name: 'orphan',
      status: 'owner_inactive',
      createdBy: { id: 'rita', email: 'rita@acme.test' },
      issuedBy: { id: 'system:auto-renewal', email: null },
    });
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);
    expect(await screen.findByText('Its owner is no longer a member')).toBeTruthy();
    expect(screen.getByText('Owner inactive')).toBeTruthy();
    expect(screen.getByText('for rita@acme.test')).toBeTruthy();
    expect(screen.getByText('Auto-renewal', { exact: false })).toBeTruthy();
  });
});

describe('auto-renewal without a callback (seed 003)', () => {
  const pending = (windowEndsAt: string) => ({
    id: '11111111-1111-4111-8111-111111111111',
    status: 'pending' as const,
    dueAt: new Date(Date.now() - 60_000).toISOString(),
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    windowEndsAt,
    deliveredAt: null,
    redeemedAt: null,
    newTokenId: null,
    attempts: [],
  });
  const callbackLess = {
    everyDays: 30,
    callbackUrl: null,
    mailRecipient: 'ops@acme.test',
    nextRenewalAt: null,
  };

  it('lets the owner redeem a waiting renewal on the token page and shows the renewed token once', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    const token = issuer.token({ name: 'partner-feed', autoRenewal: callbackLess });
    const offer = pending(new Date(Date.now() + 3_600_000).toISOString());
    issuer.renewals.set(token.id, [offer]);
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);

    expect(await screen.findByText(/the renewed token is obtained here in the console/)).toBeTruthy();
    expect(await screen.findByText('A renewal is waiting')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Redeem renewal' }));
    expect(await screen.findByText('lk_' + 'R'.repeat(43) + 'CRC456')).toBeTruthy();
    expect(issuer.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      `/v1/tokens/${token.id}/renewals/${offer.id}/redeem`,
    ]);
  });

  it('says why when the owner clicks Redeem after the window has ended on an open page', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    const token = issuer.token({ name: 'late-feed', autoRenewal: callbackLess });
    issuer.renewals.set(token.id, [pending(new Date(Date.now() + 400).toISOString())]);
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);
    expect(await screen.findByText('A renewal is waiting')).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    issuer.failNext = {
      method: 'POST',
      path: /\/redeem$/,
      status: 410,
      problem: {
        title: 'Gone',
        status: 410,
        code: 'RENEWAL_KEY_EXPIRED',
        detail:
          'This renewal can no longer be redeemed: its redeem window ended at 2026-12-03T10:00:00.000Z.',
      },
    };
    await user.click(screen.getByRole('button', { name: 'Redeem renewal' }));
    expect(await screen.findByText(/its redeem window ended at/)).toBeTruthy();
    expect(screen.getByText('The renewal was not redeemed')).toBeTruthy();
    expect(screen.getByText('RENEWAL_KEY_EXPIRED')).toBeTruthy();
    expect(screen.queryByText('A renewal is waiting')).toBeNull();
  });

  it('offers no redeem once the window has ended, nor to anyone but the owner', async () => {
    const issuer = new FakeIssuer();
    const lapsed = issuer.token({ name: 'lapsed', autoRenewal: callbackLess });
    issuer.renewals.set(lapsed.id, [pending(new Date(Date.now() - 1_000).toISOString())]);
    const { unmount } = renderWithApi(<TokenDetailPage id={lapsed.id} />, issuer);
    expect(await screen.findByText('Renewal history')).toBeTruthy();
    await screen.findByText('pending');
    expect(screen.queryByText('A renewal is waiting')).toBeNull();
    unmount();

    const others = issuer.token({
      name: 'rita-feed',
      autoRenewal: callbackLess,
      createdBy: { id: 'rita', email: null },
    });
    issuer.renewals.set(others.id, [pending(new Date(Date.now() + 3_600_000).toISOString())]);
    renderWithApi(<TokenDetailPage id={others.id} />, issuer);
    expect(await screen.findByText('A renewal is waiting')).toBeTruthy();
    expect(screen.getByText('Only the token’s owner can redeem it.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Redeem renewal' })).toBeNull();
  });
});
