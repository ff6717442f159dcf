import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { renderWithApi } from '../../test/render';
import { TokensPage } from './TokensPage';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('TokensPage', () => {
  it("shows each token's columns as the seeds list them", async () => {
    const issuer = new FakeIssuer();
    issuer.token({
      name: 'prod-main-app',
      keyPrefix: 'lk_Ab3dE',
      lastUsedAt: daysAgo(5),
      usageCount: 1234,
      createdAt: daysAgo(10),
    });
    renderWithApi(<TokensPage />, issuer);

    const row = (await screen.findByText('prod-main-app')).closest('tr')!;
    const cells = within(row);
    expect(cells.getByText('lk_Ab3dE…')).toBeTruthy();
    expect(cells.getByText('alice@acme.test')).toBeTruthy();
    expect(cells.getByText('5 days ago')).toBeTruthy();
    expect(cells.getByText('Never')).toBeTruthy(); // expires
    expect(cells.getByText('Active')).toBeTruthy();
    expect(cells.getByText('1,234')).toBeTruthy();
    expect(cells.getByText('10 d')).toBeTruthy();
  });

  it('colours the age orange after 6 months and red after a year, and expired rows red', async () => {
    const issuer = new FakeIssuer();
    issuer.token({ name: 'half-year', createdAt: daysAgo(200), ageWarning: 'older_than_6_months' });
    issuer.token({ name: 'old', createdAt: daysAgo(400), ageWarning: 'older_than_1_year' });
    issuer.token({
      name: 'gone',
      createdAt: daysAgo(20),
      status: 'expired',
      ageWarning: 'expired',
      expiresAt: daysAgo(1),
    });
    renderWithApi(<TokensPage />, issuer);

    const age = async (name: string) =>
      (await screen.findByText(name)).closest('tr')!.querySelector('[data-age-warning]') as HTMLElement;
    expect((await age('half-year')).style.color).toBe('rgb(194, 65, 12)');
    expect((await age('old')).style.color).toBe('rgb(185, 28, 28)');
    expect((await age('gone')).style.color).toBe('');
    const expiredRow = (await screen.findByText('gone')).closest('tr')!;
    expect(expiredRow.style.background || expiredRow.getAttribute('style')).toMatch(/red/);
  });

  it('pages by 15 on the server, newest first, and sorts by name', async () => {
    const issuer = new FakeIssuer();
    for (let i = 0; i < 20; i++) issuer.token();
    const user = userEvent.setup();
    renderWithApi(<TokensPage />, issuer);

    await screen.findByText('token-20'); // newest first
    expect(screen.queryByText('token-5')).toBeNull();
    expect(screen.getAllByRole('row')).toHaveLength(16); // header + 15
    const first = issuer.requests.find((r) => r.path === '/v1/tokens')!;
    expect(first.query.get('pageSize')).toBe('15');
    expect(first.query.get('order')).toBe('desc');

    await user.click(screen.getByRole('button', { name: '2' }));
    await screen.findByText('token-5');
    expect(issuer.requests.at(-1)!.query.get('page')).toBe('2');

    await user.click(screen.getByRole('button', { name: 'Sort by name' }));
    await waitFor(() => expect(issuer.requests.at(-1)!.query.get('sort')).toBe('name'));
    expect(issuer.requests.at(-1)!.query.get('order')).toBe('asc');
    expect(issuer.requests.at(-1)!.query.get('page')).toBe('1');
  });

  it('shows the empty state and the API error', async () => {
    const issuer = new FakeIssuer();
    issuer.failNext = {
      method: 'GET',
      path: /^\/v1\/tokens$/,
      status: 402,
      problem: {
        title: 'Payment Required',
        code: 'UPGRADE_REQUIRED',
        detail: 'Your plan does not include API access.',
      },
    };
    renderWithApi(<TokensPage />, issuer);
    expect(await screen.findByText('Upgrade required')).toBeTruthy();
    expect(screen.getByText('Your plan does not include API access.')).toBeTruthy();
  });

  it('says when there are no tokens yet', async () => {
    renderWithApi(<TokensPage />);
    expect(await screen.findByText(/No tokens yet/)).toBeTruthy();
  });

  it("shows the issuer's age in days, not one computed from the browser's clock (seed 003)", async () => {
    const issuer = new FakeIssuer();
    issuer.token({ name: 'counted', createdAt: daysAgo(3), ageDays: 190, ageWarning: 'older_than_6_months' });
    renderWithApi(<TokensPage />, issuer);
    const row = (await screen.findByText('counted')).closest('tr')!;
    expect(within(row).getByText('190 d')).toBeTruthy();
  });

  it('shows an expired token with the Expired status on a red background (seed 003)', async () => {
    const issuer = new FakeIssuer();
    issuer.token({ name: 'gone', status: 'expired', ageWarning: 'expired', expiresAt: daysAgo(1) });
    issuer.token({ name: 'alive' });
    renderWithApi(<TokensPage />, issuer);
    const badge = (name: string, label: string) =>
      within(screen.getByText(name).closest('tr')!).getByText(label).closest('.mantine-Badge-root')!;
    await screen.findByText('gone');
    expect(badge('gone', 'Expired').getAttribute('data-variant')).toBe('filled');
    expect(badge('alive', 'Active').getAttribute('data-variant')).toBe('light');
  });

  it("shows a removed owner's token as Owner inactive, and filters by it (seeds 000, 001)", async () => {
    const issuer = new FakeIssuer();
    issuer.token({ name: 'orphan', status: 'owner_inactive', createdBy: { id: 'rita', email: null } });
    const user = userEvent.setup();
    renderWithApi(<TokensPage />, issuer);
    const row = (await screen.findByText('orphan')).closest('tr')!;
    expect(within(row).getByText('Owner inactive')).toBeTruthy();
    expect(within(row).queryByText('Active')).toBeNull();

    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Owner inactive' }));
    await waitFor(() => expect(issuer.requests.at(-1)!.query.get('status')).toBe('owner_inactive'));
  });

  it('names who created each token, and the owner it acts for where that is someone else', async () => {
    const issuer = new FakeIssuer();
    issuer.token({ name: 'own' });
    issuer.token({
      name: 'renewed',
      createdBy: { id: 'bob', email: 'bob@acme.test' },
      issuedBy: { id: 'system:auto-renewal', email: null },
    });
    renderWithApi(<TokensPage />, issuer);
    const cellOf = async (name: string) =>
      (await screen.findByText(name)).closest('tr')!.querySelectorAll('td')[3].textContent;
    expect(await cellOf('own')).toBe('alice@acme.test');
    expect(await cellOf('renewed')).toBe('Auto-renewalfor bob@acme.test');
  });
});
