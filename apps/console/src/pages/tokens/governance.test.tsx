import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { OWNER, renderWithApi } from '../../test/render';
import { TokenDetailPage } from './TokenDetailPage';
import { TokensPage } from './TokensPage';

const ADMIN = { ...OWNER, userId: 'ada', role: 'admin' as const };

/** Seed 002 under `agent_tokens_only`: a member's general token is hers alone, her agent token is not. */
function tenantWithAgentOnlyRevocation() {
  const issuer = new FakeIssuer();
  issuer.policy = { ...issuer.policy, adminRevocation: 'agent_tokens_only' };
  const general = issuer.token({ name: 'mia-ci', createdBy: { id: 'mia', email: 'mia@acme.test' } });
  const agent = issuer.token({
    name: 'mia-claude',
    purpose: 'agent',
    createdBy: { id: 'mia', email: 'mia@acme.test' },
  });
  const own = issuer.token({ name: 'ada-ci', createdBy: { id: 'ada', email: 'ada@acme.test' } });
  return { issuer, general, agent, own };
}

describe('revoke actions under the governance policy', () => {
  it('offers an admin Revoke on agent tokens and her own, not on a member’s general token', async () => {
    const user = userEvent.setup();
    const { issuer } = tenantWithAgentOnlyRevocation();
    renderWithApi(<TokensPage />, issuer, ADMIN);
    const menuOf = async (name: string) => {
      await user.click(await screen.findByRole('button', { name: `Actions for ${name}` }));
      const menu = await screen.findByRole('menu');
      const items = within(menu)
        .getAllByRole('menuitem')
        .map((i) => i.textContent);
      await user.keyboard('{Escape}');
      return items;
    };
    expect(await menuOf('mia-ci')).toEqual(['Details']);
    expect(await menuOf('mia-claude')).toEqual(['Details', 'Revoke']);
    expect(await menuOf('ada-ci')).toEqual(['Details', 'Revoke']);
  });

  it('keeps every Revoke action under the default policy', async () => {
    const issuer = new FakeIssuer();
    const general = issuer.token({ name: 'mia-ci', createdBy: { id: 'mia', email: null } });
    renderWithApi(<TokenDetailPage id={general.id} />, issuer, ADMIN);
    const toolbar = await screen.findByRole('toolbar', { name: 'Token actions' });
    expect(within(toolbar).getByRole('button', { name: 'Revoke' })).toBeTruthy();
  });

  it('hides Revoke on the detail page of a member’s general token under agent_tokens_only', async () => {
    const { issuer, general } = tenantWithAgentOnlyRevocation();
    renderWithApi(<TokenDetailPage id={general.id} />, issuer, ADMIN);
    const toolbar = await screen.findByRole('toolbar', { name: 'Token actions' });
    await screen.findByText('mia-ci');
    // The policy arrives after the token: wait until the toolbar settles on it.
    await expect.poll(() => within(toolbar).queryByRole('button', { name: 'Revoke' })).toBeNull();
    expect(within(toolbar).getByRole('button', { name: 'Edit' })).toBeTruthy();
  });
});
