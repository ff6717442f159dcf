import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../test/fake-api';
import { OWNER, renderWithApi } from '../test/render';
import { SettingsPage } from './SettingsPage';

const ADMIN = { ...OWNER, userId: 'ada', role: 'admin' as const };

describe('settings: governance policy', () => {
  it('shows owners the three choices with the seeds’ words, and saves only those choices', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<SettingsPage />);
    const issuance = await screen.findByRole('radiogroup', { name: 'Who may issue tokens' });
    expect(within(issuance).getByRole('radio', { name: /Every member/ })).toHaveProperty('checked', true);
    expect(
      screen.getByText(/Only authorized workspace users should create, rotate, or revoke API keys/),
    ).toBeTruthy();
    expect(screen.getByText(/You can only manage tokens you created/)).toBeTruthy();
    expect(screen.getByText(/Your general tokens are yours alone/)).toBeTruthy();

    await user.click(within(issuance).getByRole('radio', { name: /Owners and admins only/ }));
    const revocation = screen.getByRole('radiogroup', { name: 'What admins may revoke' });
    await user.click(within(revocation).getByRole('radio', { name: /agent tokens/ }));
    await user.click(screen.getByRole('button', { name: 'Save governance policy' }));

    expect(await screen.findAllByRole('status')).toHaveLength(1);
    expect(issuer.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      {
        tokenIssuance: 'admins_only',
        tokenVisibility: 'admins_see_all',
        adminRevocation: 'agent_tokens_only',
      },
    ]);
    expect(issuer.policy).toMatchObject({
      tokenIssuance: 'admins_only',
      adminRevocation: 'agent_tokens_only',
    });
  });

  it('shows admins the policy in force, read-only', async () => {
    const issuer = new FakeIssuer();
    issuer.policy = { ...issuer.policy, tokenVisibility: 'own_tokens_only' };
    renderWithApi(<SettingsPage />, issuer, ADMIN);
    const visibility = await screen.findByRole('radiogroup', { name: 'Who sees and manages whose tokens' });
    const own = within(visibility).getByRole('radio', { name: /only their own tokens/ });
    expect(own).toHaveProperty('checked', true);
    expect(own).toHaveProperty('disabled', true);
    expect(screen.getByText('Only owners change these choices.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save governance policy' })).toBeNull();
  });

  it('shows the problem when the issuer refuses the change', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.failNext = {
      method: 'PATCH',
      path: /\/v1\/tenant\/policy$/,
      status: 403,
      problem: {
        title: 'Forbidden',
        code: 'FORBIDDEN_ROLE',
        detail: 'Only owners may change the tenant policy.',
      },
    };
    renderWithApi(<SettingsPage />, issuer);
    await screen.findByRole('radiogroup', { name: 'Who may issue tokens' });
    await user.click(screen.getByRole('button', { name: 'Save governance policy' }));
    expect(await screen.findByText(/Only owners may change the tenant policy/)).toBeTruthy();
  });
});
