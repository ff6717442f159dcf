import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { renderWithApi } from '../../test/render';
import { TokensPage } from './TokensPage';

const PLAINTEXT = 'lk_' + 'S'.repeat(43) + 'CRC123';

describe('create token dialog', () => {
  it('creates a token, shows its plaintext once with a Copy button, and forgets it on close', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    const { issuer } = renderWithApi(<TokensPage />);
    await screen.findByText(/No tokens yet/);

    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Token name/), 'ci-pipeline');
    expect(within(dialog).getByText(/11\/128/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    expect(await within(dialog).findByText(PLAINTEXT)).toBeTruthy();
    expect(within(dialog).getByText(/only time the full token/)).toBeTruthy();
    expect(issuer.requests.find((r) => r.method === 'POST')!.body).toEqual({
      name: 'ci-pipeline',
      purpose: 'integration',
      expiresIn: '90d',
      rights: 'read',
    });
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(PLAINTEXT);

    await user.click(within(dialog).getByRole('button', { name: /I have stored it/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.body.textContent).not.toContain(PLAINTEXT);
    expect(await screen.findByText('ci-pipeline')).toBeTruthy();
  });

  it('sends the auto-renewal settings only once switched on', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<TokensPage />);
    await screen.findByText(/No tokens yet/);

    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Token name/), 'crm-sync');
    expect(within(dialog).queryByLabelText(/Callback URL/)).toBeNull();
    await user.click(within(dialog).getByLabelText('Auto renewal every N days'));
    const days = within(dialog).getByLabelText(/Renew every/);
    await user.clear(days);
    await user.type(days, '14');
    await user.type(within(dialog).getByLabelText(/Callback URL/), ' https://hooks.acme.test/renew ');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    await within(dialog).findByText(PLAINTEXT);
    expect(issuer.requests.find((r) => r.method === 'POST')!.body).toMatchObject({
      name: 'crm-sync',
      autoRenewal: { everyDays: 14, callbackUrl: 'https://hooks.acme.test/renew', mailRecipient: null },
    });
  });

  it('sets up auto-renewal without a callback URL: the mail recipient is then required (seed 003)', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<TokensPage />);
    await screen.findByText(/No tokens yet/);

    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Token name/), 'partner-feed');
    await user.click(within(dialog).getByLabelText('Auto renewal every N days'));
    const recipient = within(dialog).getByLabelText<HTMLInputElement>(/Renewal mail recipient/);
    expect(recipient.required).toBe(true);
    expect(within(dialog).getByLabelText<HTMLInputElement>(/Callback URL/).required).toBe(false);
    expect(within(dialog).getByText(/ready to redeem in the console/)).toBeTruthy();
    await user.type(recipient, 'ops@acme.test');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    await within(dialog).findByText(PLAINTEXT);
    expect(issuer.requests.find((r) => r.method === 'POST')!.body).toMatchObject({
      autoRenewal: { everyDays: 30, callbackUrl: null, mailRecipient: 'ops@acme.test' },
    });
  });

  it("shows the API's problem details and keeps the form", async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.failNext = {
      method: 'POST',
      path: /^\/v1\/tokens$/,
      status: 422,
      problem: {
        title: 'Unprocessable Entity',
        code: 'POLICY_EXPIRY_REQUIRED',
        detail: 'Your tenant requires an expiry.',
      },
    };
    renderWithApi(<TokensPage />, issuer);
    await screen.findByText(/No tokens yet/);
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Token name/), 'x');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(await within(dialog).findByText('Your tenant requires an expiry.')).toBeTruthy();
    expect(within(dialog).getByText('Unprocessable Entity')).toBeTruthy();
    expect(within(dialog).getByLabelText(/Token name/)).toBeTruthy();
  });
});

describe('revoke dialog', () => {
  it('revokes through the three-dots menu after confirmation, and the row says Revoked', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.token({ name: 'old-script' });
    renderWithApi(<TokensPage />, issuer);

    await user.click(await screen.findByRole('button', { name: 'Actions for old-script' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Revoke' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/cannot be undone/)).toBeTruthy();
    expect(issuer.requests.some((r) => r.path.endsWith('/revoke'))).toBe(false);

    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(issuer.requests.filter((r) => r.path.endsWith('/revoke'))).toHaveLength(1);
    const row = (await screen.findByText('old-script')).closest('tr')!;
    await waitFor(() => expect(within(row).getByText('Revoked')).toBeTruthy());
  });

  it('revokes nothing when cancelled', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.token({ name: 'keep-me' });
    renderWithApi(<TokensPage />, issuer);
    await user.click(await screen.findByRole('button', { name: 'Actions for keep-me' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Revoke' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(issuer.requests.some((r) => r.path.endsWith('/revoke'))).toBe(false);
    expect(within((await screen.findByText('keep-me')).closest('tr')!).getByText('Active')).toBeTruthy();
  });

  it("shows the API's problem details when the revocation fails", async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.token({ name: 'keep-me' });
    renderWithApi(<TokensPage />, issuer);
    issuer.failNext = {
      method: 'POST',
      path: /\/revoke$/,
      status: 503,
      problem: {
        title: 'Service Unavailable',
        code: 'REVOCATION_NOT_REPLICATED',
        detail: 'Nothing was changed; try again.',
      },
    };
    await user.click(await screen.findByRole('button', { name: 'Actions for keep-me' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Revoke' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    expect(await within(dialog).findByText('Nothing was changed; try again.')).toBeTruthy();
    expect(within(dialog).getByText('Service Unavailable')).toBeTruthy();
  });

  it("shows the issuer's warnings about the name beside the new token (seed 004)", async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.createWarnings = [
      {
        code: 'NAME_CONTAINS_EMAIL',
        field: 'name',
        message: 'The name looks like it contains an e-mail address.',
      },
    ];
    renderWithApi(<TokensPage />, issuer);
    await screen.findByText(/No tokens yet/);
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Token name/), 'alice@acme.test');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));

    expect(await within(dialog).findByText(PLAINTEXT)).toBeTruthy();
    const warnings = within(dialog).getByTestId('token-warnings');
    expect(within(warnings).getByText('Check the token name')).toBeTruthy();
    expect(within(warnings).getByText(/contains an e-mail address/)).toBeTruthy();
  });

  it('shows no warning for a name without personal data', async () => {
    const user = userEvent.setup();
    renderWithApi(<TokensPage />);
    await screen.findByText(/No tokens yet/);
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Token name/), 'prod-main-app');
    await user.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await within(dialog).findByText(PLAINTEXT);
    expect(within(dialog).queryByTestId('token-warnings')).toBeNull();
  });
});
