import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { renderWithApi } from '../../test/render';
import { TokensPage } from './TokensPage';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const bob = { id: 'bob', email: 'bob@acme.test' };

function withMembers(issuer = new FakeIssuer()): FakeIssuer {
  issuer.members = [
    { userId: 'alice', email: 'alice@acme.test', role: 'owner' },
    { userId: 'bob', email: 'bob@acme.test', role: 'member' },
  ] as FakeIssuer['members'];
  return issuer;
}

describe('stale tokens on the token list', () => {
  it('filters by idle time and creator, and sorts by last use, stalest first', async () => {
    const issuer = withMembers();
    issuer.token({ name: 'busy', lastUsedAt: daysAgo(1), createdAt: daysAgo(300) });
    issuer.token({ name: 'idle', lastUsedAt: daysAgo(120), createdAt: daysAgo(300), createdBy: bob });
    const user = userEvent.setup();
    renderWithApi(<TokensPage />, issuer);
    await screen.findByText('busy');

    await user.click(screen.getByRole('combobox', { name: 'Unused for' }));
    await user.click(await screen.findByRole('option', { name: '90+ days' }));
    await waitFor(() => expect(issuer.requests.at(-1)!.query.get('unusedForDays')).toBe('90'));
    await waitFor(() => expect(screen.queryByText('busy')).toBeNull());
    expect(screen.getByText('idle')).toBeTruthy();

    await user.click(screen.getByRole('combobox', { name: 'Created by' }));
    await user.click(await screen.findByRole('option', { name: 'bob@acme.test' }));
    await waitFor(() => expect(issuer.requests.at(-1)!.query.get('createdBy')).toBe('bob'));

    await user.click(screen.getByRole('button', { name: 'Sort by last used' }));
    await waitFor(() => expect(issuer.requests.at(-1)!.query.get('sort')).toBe('lastUsedAt'));
    expect(issuer.requests.at(-1)!.query.get('order')).toBe('asc');
    expect(screen.getByRole('columnheader', { name: /Last used/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
  });

  it('revokes the selected rows after one confirmation listing them, and says what it did', async () => {
    const issuer = new FakeIssuer();
    const one = issuer.token({ name: 'old-ci' });
    const two = issuer.token({ name: 'old-cron' });
    issuer.token({ name: 'keep-me' });
    issuer.token({ name: 'gone', status: 'revoked' });
    const user = userEvent.setup();
    renderWithApi(<TokensPage />, issuer);
    await screen.findByText('old-ci');

    // A revoked token cannot be chosen.
    expect(screen.queryByRole('checkbox', { name: 'Select gone' })).toBeNull();
    await user.click(screen.getByRole('checkbox', { name: 'Select old-ci' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select old-cron' }));
    const actions = screen.getByRole('group', { name: 'Bulk actions' });
    expect(within(actions).getByText('2 selected')).toBeTruthy();
    await user.click(within(actions).getByRole('button', { name: 'Revoke selected' }));

    const dialog = await screen.findByRole('dialog', { name: 'Revoke 2 tokens' });
    const listed = within(within(dialog).getByRole('list', { name: 'Tokens to revoke' })).getAllByRole(
      'listitem',
    );
    expect(listed.map((item) => item.textContent)).toEqual(['old-ci (lk_abc01…)', 'old-cron (lk_abc02…)']);
    expect(issuer.requests.some((r) => r.path === '/v1/tokens/bulk-revoke')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke 2 tokens' }));

    expect(await screen.findByText('Revoked 2 tokens')).toBeTruthy();
    const sent = issuer.requests.filter((r) => r.path === '/v1/tokens/bulk-revoke');
    expect(sent.map((r) => r.body)).toEqual([{ ids: [one.id, two.id] }]);
    await waitFor(() =>
      expect(within(screen.getByText('old-ci').closest('tr')!).getByText('Revoked')).toBeTruthy(),
    );
    expect(within(screen.getByText('keep-me').closest('tr')!).getByText('Active')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Bulk actions' })).toBeNull();
  });

  it('selects every revocable row of the page at once', async () => {
    const issuer = new FakeIssuer();
    issuer.policy = { ...issuer.policy, adminRevocation: 'agent_tokens_only' };
    issuer.token({ name: 'mine' });
    issuer.token({ name: 'bobs-agent', createdBy: bob, purpose: 'agent' });
    issuer.token({ name: 'bobs-integration', createdBy: bob });
    const user = userEvent.setup();
    renderWithApi(<TokensPage />, issuer);
    await screen.findByText('mine');
    await waitFor(() =>
      expect(screen.queryByRole('checkbox', { name: 'Select bobs-integration' })).toBeNull(),
    );
    await user.click(screen.getByRole('checkbox', { name: 'Select all tokens on this page' }));
    expect(within(screen.getByRole('group', { name: 'Bulk actions' })).getByText('2 selected')).toBeTruthy();
  });

  it('offboards a person with one confirmation of the count, asking again when it changed', async () => {
    const issuer = withMembers();
    issuer.token({ name: 'bob-1', createdBy: bob });
    issuer.token({ name: 'bob-2', createdBy: bob, status: 'owner_inactive' });
    issuer.token({ name: 'bob-old', createdBy: bob, status: 'revoked' });
    issuer.token({ name: 'alices' });
    const user = userEvent.setup();
    renderWithApi(<TokensPage />, issuer);
    await screen.findByText('alices');
    await user.click(screen.getByRole('combobox', { name: 'Created by' }));
    await user.click(await screen.findByRole('option', { name: 'bob@acme.test' }));

    await user.click(
      await screen.findByRole('button', { name: 'Revoke all 2 live tokens of bob@acme.test' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Revoke 2 tokens' });
    // Bob got one more token while the dialog was open: nothing is revoked, the new count is asked for.
    issuer.token({ name: 'bob-3', createdBy: bob });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke 2 tokens' }));
    const problem = await within(dialog).findByRole('alert');
    expect(within(problem).getByText(/has 3 live tokens/)).toBeTruthy();
    expect(within(problem).getByText('BULK_REVOKE_COUNT_MISMATCH')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke 3 tokens' }));

    expect(await screen.findByText('Revoked 3 tokens')).toBeTruthy();
    const sent = issuer.requests.filter((r) => r.path === '/v1/tokens/bulk-revoke').map((r) => r.body);
    expect(sent).toEqual([
      { createdBy: 'bob', expectedCount: 2 },
      { createdBy: 'bob', expectedCount: 3 },
    ]);
    expect(issuer.tokens.filter((t) => t.status !== 'revoked').map((t) => t.name)).toEqual(['alices']);
  });
});
