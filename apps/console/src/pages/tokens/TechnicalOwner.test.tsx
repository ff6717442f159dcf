import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { OWNER, renderWithApi } from '../../test/render';
import { TokenDetailPage } from './TokenDetailPage';
import { TokensPage } from './TokensPage';

const platform = { email: 'platform@acme.test', name: 'Platform team' };

describe('technical owner (seed 004)', () => {
  it("shows the technical owner and seed 004's coordination checklist on the detail page", async () => {
    const issuer = new FakeIssuer();
    const token = issuer.token({ name: 'prod-main-app', technicalOwner: platform });
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);
    const checklist = await screen.findByRole('region', { name: 'Coordination checklist' });
    expect(screen.getByText('Platform team (platform@acme.test)')).toBeTruthy();
    expect(
      within(checklist).getByText('Tell Platform team (platform@acme.test) before rotating.'),
    ).toBeTruthy();
    expect(within(checklist).getByText('Confirm any replacement key is already in use.')).toBeTruthy();
    expect(within(checklist).getByText(/Latchkey mails Platform team/)).toBeTruthy();
  });

  it('says nobody is named, and shows no checklist once the token is revoked', async () => {
    const issuer = new FakeIssuer();
    const none = issuer.token({ name: 'unattended' });
    const { unmount } = renderWithApi(<TokenDetailPage id={none.id} />, issuer);
    expect(await screen.findByText('None named')).toBeTruthy();
    expect(screen.getByText('Tell the technical owner before rotating.')).toBeTruthy();
    unmount();
    const revoked = issuer.token({ name: 'gone', status: 'revoked', technicalOwner: platform });
    renderWithApi(<TokenDetailPage id={revoked.id} />, issuer);
    await screen.findByText('Platform team (platform@acme.test)');
    expect(screen.queryByRole('region', { name: 'Coordination checklist' })).toBeNull();
  });

  it('repeats the checklist in the revoke dialog and says who is mailed', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    const token = issuer.token({ name: 'prod-main-app', technicalOwner: { ...platform, name: null } });
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);
    await user.click(await screen.findByRole('button', { name: 'Revoke' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Check with platform@acme.test if you are unsure.')).toBeTruthy();
    expect(
      within(dialog).getByText('Latchkey mails platform@acme.test once the token is revoked.'),
    ).toBeTruthy();
  });

  it('sends the technical owner given at creation', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<TokensPage />);
    await user.click(await screen.findByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Token name/), 'crm-integration');
    await user.type(within(dialog).getByLabelText('Technical owner (e-mail)'), ' crm@acme.test ');
    await user.type(within(dialog).getByLabelText('Technical owner (person or team)'), 'CRM team');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await within(dialog).findByText(/only time the full token/);
    expect(issuer.requests.find((r) => r.method === 'POST')!.body).toMatchObject({
      name: 'crm-integration',
      technicalOwner: { email: 'crm@acme.test', name: 'CRM team' },
    });
  });
});

describe('plan for every role (seed 004)', () => {
  it('shows a member "Upgrade required" on a plan without API access', async () => {
    const issuer = new FakeIssuer();
    issuer.policy = { ...issuer.policy, plan: 'free', apiAccess: false };
    renderWithApi(<TokensPage />, issuer, { ...OWNER, userId: 'mia', role: 'member' });
    expect(await screen.findByText('Upgrade required')).toBeTruthy();
    expect(screen.getByText(/not included in the free plan/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Create token' }).hasAttribute('disabled')).toBe(true);
    expect(issuer.requests.some((r) => r.path === '/v1/tenant/policy')).toBe(true);
  });
});
