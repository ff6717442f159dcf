import { screen } from '@testing-library/react';
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
