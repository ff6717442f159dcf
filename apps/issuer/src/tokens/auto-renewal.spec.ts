import type { HostResolver } from '@latchkey/callback-safety';
import {
  applyAutoRenewal,
  assertCallbackUrlAllowed,
  type AutoRenewalColumns,
  autoRenewalScheduleOf,
  autoRenewalSettingsOf,
  NO_AUTO_RENEWAL,
  nextRenewalAt,
  sameAutoRenewal,
} from './auto-renewal';
import { TokenErrorCode } from './tokens.errors';

const DAY = 86_400_000;
const now = new Date('2026-11-23T12:00:00.000Z');
const later = new Date('2026-11-30T08:00:00.000Z');
const settings = { everyDays: 30, callbackUrl: 'https://hooks.example.com/renewals', mailRecipient: null };

describe('auto-renewal schedule', () => {
  it('is first due everyDays renewal days after it is switched on', () => {
    expect(nextRenewalAt(now, 30, DAY)).toEqual(new Date('2026-12-23T12:00:00.000Z'));
    expect(nextRenewalAt(now, 2, 1_000)).toEqual(new Date(now.getTime() + 2_000));
    expect(applyAutoRenewal(NO_AUTO_RENEWAL, settings, now, DAY)).toEqual({
      renewalEveryDays: 30,
      renewalCallbackUrl: 'https://hooks.example.com/renewals',
      renewalMailRecipient: null,
      renewalNextAt: new Date('2026-12-23T12:00:00.000Z'),
    });
  });

  it('keeps the renewal already due when only the callback URL or mail recipient change', () => {
    const current = applyAutoRenewal(NO_AUTO_RENEWAL, settings, now, DAY);
    const edited = applyAutoRenewal(
      current,
      { ...settings, callbackUrl: 'https://hooks.example.com/v2', mailRecipient: 'ops@example.com' },
      later,
      DAY,
    );
    expect(edited.renewalNextAt).toEqual(current.renewalNextAt);
    expect(edited.renewalCallbackUrl).toBe('https://hooks.example.com/v2');
    expect(edited.renewalMailRecipient).toBe('ops@example.com');
  });

  it('starts the schedule again from now when the period changes', () => {
    const current = applyAutoRenewal(NO_AUTO_RENEWAL, settings, now, DAY);
    const edited = applyAutoRenewal(current, { ...settings, everyDays: 7 }, later, DAY);
    expect(edited.renewalNextAt).toEqual(new Date(later.getTime() + 7 * DAY));
  });

  it('schedules again a token whose schedule had ended', () => {
    const ended: AutoRenewalColumns = {
      ...applyAutoRenewal(NO_AUTO_RENEWAL, settings, now, DAY),
      renewalNextAt: null,
    };
    expect(applyAutoRenewal(ended, settings, later, DAY).renewalNextAt).toEqual(
      new Date(later.getTime() + 30 * DAY),
    );
  });

  it('clears everything when switched off', () => {
    const current = applyAutoRenewal(NO_AUTO_RENEWAL, settings, now, DAY);
    expect(applyAutoRenewal(current, null, later, DAY)).toEqual(NO_AUTO_RENEWAL);
  });

  it('tells a real change from the same settings saved again', () => {
    const current = applyAutoRenewal(NO_AUTO_RENEWAL, settings, now, DAY);
    expect(sameAutoRenewal(current, applyAutoRenewal(current, settings, later, DAY))).toBe(true);
    expect(
      sameAutoRenewal(
        current,
        applyAutoRenewal(current, { ...settings, mailRecipient: 'a@b.co' }, later, DAY),
      ),
    ).toBe(false);
    expect(sameAutoRenewal(NO_AUTO_RENEWAL, applyAutoRenewal(NO_AUTO_RENEWAL, null, later, DAY))).toBe(true);
  });

  it('reads settings and schedule from the columns', () => {
    const current = applyAutoRenewal(NO_AUTO_RENEWAL, settings, now, DAY);
    expect(autoRenewalSettingsOf(current)).toEqual(settings);
    expect(autoRenewalScheduleOf(current)).toEqual({
      ...settings,
      nextRenewalAt: '2026-12-23T12:00:00.000Z',
    });
    expect(autoRenewalSettingsOf(NO_AUTO_RENEWAL)).toBeNull();
    expect(autoRenewalScheduleOf(NO_AUTO_RENEWAL)).toBeNull();
    // Replaced or revoked: the settings stay, nothing is scheduled.
    expect(autoRenewalScheduleOf({ ...current, renewalNextAt: null })).toBeNull();
  });
});

describe('callback URL check at save time', () => {
  const resolveTo =
    (...addresses: string[]): HostResolver =>
    () =>
      Promise.resolve(addresses);
  const noAllowList = { allowList: [] };

  it('accepts an https URL on a public address', async () => {
    await expect(
      assertCallbackUrlAllowed('https://hooks.example.com/x', noAllowList, resolveTo('93.184.216.34')),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['http://hooks.example.com/x', 'HTTPS_REQUIRED'],
    ['not a url', 'INVALID_URL'],
    ['https://user:pw@hooks.example.com/x', 'CREDENTIALS_IN_URL'],
    ['https://127.0.0.1/x', 'FORBIDDEN_ADDRESS'],
    ['https://169.254.169.254/latest/meta-data', 'FORBIDDEN_ADDRESS'],
  ])('refuses %s with 400 CALLBACK_URL_REFUSED (%s)', async (url, reason) => {
    await expect(
      assertCallbackUrlAllowed(url, noAllowList, resolveTo('93.184.216.34')),
    ).rejects.toMatchObject({
      code: TokenErrorCode.CallbackUrlRefused,
      status: 400,
      extensions: { reason },
    });
  });

  it('never tells the client which address a name resolved to', async () => {
    const attempt = assertCallbackUrlAllowed(
      'https://intranet.example.com/x',
      noAllowList,
      resolveTo('10.1.2.3'),
    );
    await expect(attempt).rejects.toMatchObject({ extensions: { reason: 'FORBIDDEN_ADDRESS' } });
    const error = (await attempt.catch((e: unknown) => e)) as { detail: string; extensions: object };
    expect(error.detail).not.toContain('10.1.2.3');
    expect(JSON.stringify(error.extensions)).not.toContain('10.1.2.3');
  });

  it('answers a host name that does not resolve exactly like one that resolves to a forbidden address', async () => {
    const failing: HostResolver = () =>
      Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    const unresolvable = await assertCallbackUrlAllowed(
      'https://nowhere.example/x',
      noAllowList,
      failing,
    ).catch((e: unknown) => e);
    const internal = await assertCallbackUrlAllowed(
      'https://nowhere.example/x',
      noAllowList,
      resolveTo('10.1.2.3'),
    ).catch((e: unknown) => e);

    expect(unresolvable).toMatchObject({
      code: TokenErrorCode.CallbackUrlRefused,
      status: 400,
      extensions: { reason: 'FORBIDDEN_ADDRESS' },
    });
    const answer = (e: unknown) => {
      const { code, status, detail, extensions } = e as Record<string, unknown>;
      return { code, status, detail, extensions };
    };
    expect(answer(unresolvable)).toEqual(answer(internal));
  });

  it('lets an allow-listed local receiver through, plain http included', async () => {
    await expect(
      assertCallbackUrlAllowed('http://127.0.0.1:4010/hook', { allowList: ['http://127.0.0.1:4010'] }),
    ).resolves.toBeUndefined();
  });
});
