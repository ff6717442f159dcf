import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeIssuer } from '../test/fake-api';
import { OWNER, renderWithApi } from '../test/render';
import { draftBody, IdlePolicyCard, parseReminderDays } from './IdlePolicyCard';

const ADMIN = { ...OWNER, userId: 'ada', role: 'admin' as const };

describe('settings: idle policy and expiry reminders', () => {
  it('lets an owner switch the idle policy on and choose reminder days', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<IdlePolicyCard />);
    const idle = await screen.findByRole('checkbox', { name: /Revoke tokens nobody uses/ });
    expect(idle).toHaveProperty('checked', false);
    expect(screen.getByLabelText('Revoke after this many days unused')).toHaveProperty('disabled', true);
    await user.click(idle);
    const days = screen.getByLabelText('Revoke after this many days unused');
    await user.clear(days);
    await user.type(days, '60');
    await user.click(screen.getByRole('checkbox', { name: /default days/ }));
    const reminders = screen.getByLabelText('Expiry reminder days');
    await user.clear(reminders);
    await user.type(reminders, '7, 60, 30');
    await user.click(screen.getByRole('button', { name: 'Save idle policy and reminders' }));

    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved.');
    expect(issuer.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { idleRevokeAfterDays: 60, idleWarningDays: 7, expiryReminderDays: [7, 60, 30] },
    ]);
  });

  it('says what is wrong with reminder days before asking the issuer', async () => {
    const user = userEvent.setup();
    const { issuer } = renderWithApi(<IdlePolicyCard />);
    await user.click(await screen.findByRole('checkbox', { name: /default days/ }));
    const reminders = screen.getByLabelText('Expiry reminder days');
    await user.clear(reminders);
    await user.type(reminders, '30, soon');
    await user.click(screen.getByRole('button', { name: 'Save idle policy and reminders' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/whole numbers of days/);
    expect(issuer.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('shows the problem when the issuer refuses the warning', async () => {
    const user = userEvent.setup();
    const issuer = new FakeIssuer();
    issuer.failNext = {
      method: 'PATCH',
      path: /\/v1\/tenant\/policy$/,
      status: 422,
      problem: {
        title: 'Idle warning too long',
        detail: 'Choose fewer warning days.',
        code: 'IDLE_WARNING_TOO_LONG',
      },
    };
    renderWithApi(<IdlePolicyCard />, issuer);
    await user.click(await screen.findByRole('checkbox', { name: /Revoke tokens nobody uses/ }));
    await user.click(screen.getByRole('button', { name: 'Save idle policy and reminders' }));
    expect(await screen.findByText('Choose fewer warning days.')).toBeTruthy();
  });

  it('shows admins the policy in force, read-only', async () => {
    const issuer = new FakeIssuer();
    issuer.policy = { ...issuer.policy, idleRevokeAfterDays: 90, expiryReminderDays: [60, 30, 7] };
    renderWithApi(<IdlePolicyCard />, issuer, ADMIN);
    const idle = await screen.findByRole('checkbox', { name: /Revoke tokens nobody uses/ });
    expect(idle).toHaveProperty('checked', true);
    expect(idle).toHaveProperty('disabled', true);
    expect(screen.getByLabelText('Expiry reminder days')).toHaveProperty('value', '60, 30, 7');
    expect(screen.queryByRole('button', { name: 'Save idle policy and reminders' })).toBeNull();
  });
});

describe('reminder days as typed', () => {
  it('reads whole numbers and keeps anything else as not a number', () => {
    expect(parseReminderDays(' 60,30 , 7,')).toEqual([60, 30, 7]);
    expect(parseReminderDays('30, -1, 2.5')).toEqual([30, Number.NaN, Number.NaN]);
    expect(parseReminderDays('')).toEqual([]);
  });

  it('sends null for the default days and for the policy off', () => {
    expect(
      draftBody({ idleOn: false, idleDays: 90, warningDays: 7, defaultReminders: true, reminderDays: 'x' }),
    ).toEqual({ idleRevokeAfterDays: null, idleWarningDays: 7, expiryReminderDays: null });
  });
});
