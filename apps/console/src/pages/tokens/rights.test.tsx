import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { OWNER, renderWithApi } from '../../test/render';
import { SettingsPage } from '../SettingsPage';
import { TokensPage } from './TokensPage';

const MEMBER = { ...OWNER, userId: 'mia', role: 'member' as const };
const ADMIN = { ...OWNER, userId: 'ada', role: 'admin' as const };

/** The visible input of a Mantine TagsInput or MultiSelect (its label also names a hidden field). */
const inputOf = (elements: HTMLElement[]) =>
  elements.find((e) => e instanceof HTMLInputElement && e.type !== 'hidden') as HTMLInputElement;

async function openCreateDialog(user: ReturnType<typeof userEvent.setup>) {
  await screen.findByText(/No tokens yet/);
  await user.click(screen.getByRole('button', { name: 'Create token' }));
  return screen.findByRole('dialog');
}

describe('create token dialog: rights and applications (seed 003)', () => {
  it("preselects the tenant's default rights and offers the catalog as a drop-down", async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.policy.defaultRights = 'read_write';
    issuer.applications = [
      { id: 'billing', name: 'Billing portal' },
      { id: 'crm', name: 'CRM' },
    ];
    renderWithApi(<TokensPage />, issuer);
    const dialog = await openCreateDialog(user);
    // The catalog arrives: its drop-down replaces free-form ids, and its default is preselected.
    const applications = inputOf(await within(dialog).findAllByLabelText(/^Applications/));
    const rights = within(dialog).getByRole('radiogroup', { name: /Rights/ });
    expect(within(rights).getByRole('radio', { name: /Read & write/ })).toHaveProperty('checked', true);
    expect(within(dialog).queryByLabelText(/^Scopes/)).toBeNull();

    await user.type(within(dialog).getByLabelText(/Token name/), 'crm-sync');
    await user.click(applications);
    await user.click(await within(dialog).findByRole('option', { name: 'CRM' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await within(dialog).findByText(/only time the full token/);
    expect(issuer.requests.find((r) => r.method === 'POST')!.body).toMatchObject({
      name: 'crm-sync',
      rights: 'read_write',
      resources: ['crm'],
    });
  });

  it('sends custom scopes instead of a preset, and never both', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<TokensPage />);
    const dialog = await openCreateDialog(user);
    await user.type(within(dialog).getByLabelText(/Token name/), 'custom');
    await user.click(await within(dialog).findByRole('radio', { name: /Custom scopes/ }));
    await user.type(inputOf(within(dialog).getAllByLabelText(/^Scopes/)), 'tasks:write{Enter}');
    // Free-form resources while the catalog is empty.
    await user.type(inputOf(within(dialog).getAllByLabelText(/^Resources/)), 'proj-1{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await within(dialog).findByText(/only time the full token/);
    const body = issuer.requests.find((r) => r.method === 'POST')!.body as Record<string, unknown>;
    expect(body).toMatchObject({ scopes: ['tasks:write'], resources: ['proj-1'] });
    expect(body).not.toHaveProperty('rights');
  });

  it('keeps read & write out of reach of members', async () => {
    const user = userEvent.setup();
    renderWithApi(<TokensPage />, new FakeIssuer(), MEMBER);
    const dialog = await openCreateDialog(user);
    const readWrite = await within(dialog).findByRole('radio', { name: /Read & write/ });
    expect(readWrite).toHaveProperty('disabled', true);
    expect(within(dialog).getByRole('radio', { name: /Read only/ })).toHaveProperty('checked', true);
  });
});

describe('settings: applications and default rights', () => {
  it('lets an admin add an application and save the catalog', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.applications = [{ id: 'crm', name: 'CRM' }];
    renderWithApi(<SettingsPage />, issuer, ADMIN);
    const table = await screen.findByRole('table', { name: 'Applications' });
    expect(within(table).getByText('CRM')).toBeTruthy();
    await user.type(screen.getByLabelText('Application id'), 'billing');
    await user.type(screen.getByLabelText('Display name'), 'Billing portal');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await user.click(screen.getByRole('button', { name: /Remove CRM/ }));
    await user.click(screen.getByRole('button', { name: 'Save applications' }));
    expect(await screen.findByText('Applications saved.')).toBeTruthy();
    expect(issuer.requests.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([
      { applications: [{ id: 'billing', name: 'Billing portal' }] },
    ]);
    // Admins see the default rights, owners change them.
    expect(screen.getByRole('radio', { name: /Read & write/ })).toHaveProperty('disabled', true);
    expect(screen.queryByRole('button', { name: 'Save default rights' })).toBeNull();
  });

  it('lets an owner change the default rights', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<SettingsPage />);
    const group = await screen.findByRole('radiogroup', { name: /Rights a new token gets/ });
    expect(within(group).getByRole('radio', { name: /Read only/ })).toHaveProperty('checked', true);
    await user.click(within(group).getByRole('radio', { name: /Read & write/ }));
    await user.click(screen.getByRole('button', { name: 'Save default rights' }));
    await screen.findByText('Saved.');
    expect(issuer.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { defaultRights: 'read_write' },
    ]);
    expect(issuer.policy.defaultRights).toBe('read_write');
  });
});
