import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../../test/fake-api';
import { OWNER, renderWithApi } from '../../test/render';
import { SettingsPage } from '../SettingsPage';
import { TokenDetailPage } from './TokenDetailPage';

const PLAINTEXT = 'lk_' + 'R'.repeat(43) + 'CRC123';

/** Seed 003: "In the detail view below the token, click on Copy", for recoverable tenants. */
describe('recoverable tokens', () => {
  it("lets the owner reveal their token's plaintext on its page, then hide it", async () => {
    const issuer = new FakeIssuer();
    issuer.policy.recoverableTokens = true;
    const token = issuer.token({ name: 'deploy' });
    issuer.recoverable[token.id] = PLAINTEXT;
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);

    fireEvent.click(await screen.findByRole('button', { name: 'Reveal and copy' }));
    expect((await screen.findByTestId('revealed-token')).textContent).toBe(PLAINTEXT);
    expect(issuer.requests.some((r) => r.method === 'POST' && r.path.endsWith(`/${token.id}/reveal`))).toBe(
      true,
    );
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Hide' }));
    await waitFor(() => expect(screen.queryByTestId('revealed-token')).toBeNull());
  });

  it('asks for a fresh sign-in when the issuer says the sign-in is too old', async () => {
    const issuer = new FakeIssuer();
    issuer.policy.recoverableTokens = true;
    const token = issuer.token({ name: 'deploy' });
    issuer.failNext = {
      method: 'POST',
      path: /\/reveal$/,
      status: 401,
      problem: { title: 'Unauthorized', code: 'FRESH_SIGN_IN_REQUIRED', detail: 'Sign in again.' },
    };
    renderWithApi(<TokenDetailPage id={token.id} />, issuer);
    fireEvent.click(await screen.findByRole('button', { name: 'Reveal and copy' }));
    expect(await screen.findByText('Sign in again to reveal this token')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeTruthy();
    expect(screen.queryByTestId('revealed-token')).toBeNull();
  });

  it('offers nothing when the tenant keeps no tokens, or to someone who does not own the token', async () => {
    const off = new FakeIssuer();
    const token = off.token({ name: 'shown-once' });
    const { unmount } = renderWithApi(<TokenDetailPage id={token.id} />, off);
    expect(await screen.findByText('shown-once')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reveal and copy' })).toBeNull();
    unmount();

    const on = new FakeIssuer();
    on.policy.recoverableTokens = true;
    const others = on.token({ name: 'bobs-token', createdBy: { id: 'bob', email: 'bob@acme.test' } });
    renderWithApi(<TokenDetailPage id={others.id} />, on, OWNER);
    expect(await screen.findByText('bobs-token')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reveal and copy' })).toBeNull();
  });

  it('lets owners switch recoverable tokens on in the settings, and admins only read it', async () => {
    const issuer = new FakeIssuer();
    renderWithApi(<SettingsPage />, issuer);
    const toggle = await screen.findByRole('switch', { name: /reveal and copy them again/ });
    fireEvent.click(toggle);
    await screen.findByText('Tokens created before it was turned on were not kept and cannot be revealed.');
    expect(issuer.policy.recoverableTokens).toBe(true);
    expect(issuer.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ recoverableTokens: true });
  });

  it('shows admins the choice without letting them change it', async () => {
    renderWithApi(<SettingsPage />, new FakeIssuer(), { ...OWNER, userId: 'adam', role: 'admin' });
    const toggle = await screen.findByRole('switch', { name: /reveal and copy them again/ });
    expect((toggle as HTMLInputElement).disabled).toBe(true);
  });
});
