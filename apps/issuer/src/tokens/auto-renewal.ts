import {
  type CallbackPolicy,
  checkCallbackUrl,
  PUBLIC_REFUSAL_MESSAGES,
  publicRefusalOf,
  defaultResolver,
  type HostResolver,
} from '@latchkey/callback-safety';
import type { AutoRenewalSchedule, AutoRenewalSettings } from '@latchkey/contracts';
import type { Token } from './token.entity';
import { TokenError, TokenErrorCode } from './tokens.errors';

/**
 * Auto-renewal settings of a token (seed 003) as its columns hold them: renew every `everyDays` days
 * and hand the renewed token to `callbackUrl`, or, when it is null, announce it to the mail recipient
 * for the owner to redeem in the console; `renewalNextAt` is when the next renewal is due.
 */
export type AutoRenewalColumns = Pick<
  Token,
  'renewalEveryDays' | 'renewalCallbackUrl' | 'renewalMailRecipient' | 'renewalNextAt'
>;

export const NO_AUTO_RENEWAL: Readonly<AutoRenewalColumns> = {
  renewalEveryDays: null,
  renewalCallbackUrl: null,
  renewalMailRecipient: null,
  renewalNextAt: null,
};

/** The token's settings, or null when auto-renewal is off. */
export function autoRenewalSettingsOf(token: AutoRenewalColumns): AutoRenewalSettings | null {
  if (token.renewalEveryDays === null) return null;
  return {
    everyDays: token.renewalEveryDays,
    callbackUrl: token.renewalCallbackUrl,
    mailRecipient: token.renewalMailRecipient,
  };
}

/**
 * The settings with the next due time, as events and the worker see them: null when no renewal is
 * scheduled (auto-renewal off, or the token was already replaced or revoked).
 */
export function autoRenewalScheduleOf(token: AutoRenewalColumns): AutoRenewalSchedule | null {
  const settings = autoRenewalSettingsOf(token);
  if (settings === null || token.renewalNextAt === null) return null;
  return { ...settings, nextRenewalAt: token.renewalNextAt.toISOString() };
}

/** When a renewal every `everyDays` "days" (RENEWAL_DAY_MS each) started at `now` is first due. */
export function nextRenewalAt(now: Date, everyDays: number, dayMs: number): Date {
  return new Date(now.getTime() + everyDays * dayMs);
}

/**
 * The columns after `settings` are applied at `now` (null switches auto-renewal off). The schedule
 * restarts when auto-renewal is switched on or its period changes; a new callback URL or mail recipient
 * keeps the renewal already due.
 */
export function applyAutoRenewal(
  current: AutoRenewalColumns,
  settings: AutoRenewalSettings | null,
  now: Date,
  dayMs: number,
): AutoRenewalColumns {
  if (settings === null) return { ...NO_AUTO_RENEWAL };
  const keepSchedule = current.renewalEveryDays === settings.everyDays && current.renewalNextAt !== null;
  return {
    renewalEveryDays: settings.everyDays,
    renewalCallbackUrl: settings.callbackUrl,
    renewalMailRecipient: settings.mailRecipient,
    renewalNextAt: keepSchedule ? current.renewalNextAt : nextRenewalAt(now, settings.everyDays, dayMs),
  };
}

/** Whether two sets of columns say the same thing (settings and due time). */
export function sameAutoRenewal(a: AutoRenewalColumns, b: AutoRenewalColumns): boolean {
  return (
    a.renewalEveryDays === b.renewalEveryDays &&
    a.renewalCallbackUrl === b.renewalCallbackUrl &&
    a.renewalMailRecipient === b.renewalMailRecipient &&
    (a.renewalNextAt?.getTime() ?? null) === (b.renewalNextAt?.getTime() ?? null)
  );
}

/**
 * The SSRF guard at save time: throws 400 CALLBACK_URL_REFUSED with the refusal `reason` unless
 * `url` may receive callbacks. The worker checks again before every send.
 */
export async function assertCallbackUrlAllowed(
  url: string,
  policy: CallbackPolicy,
  resolve: HostResolver = defaultResolver,
): Promise<void> {
  const check = await checkCallbackUrl(url, policy, resolve);
  if (!check.ok) {
    // The same answer whether or not a host name resolves: the API must not map internal DNS.
    const reason = publicRefusalOf(check.reason);
    throw new TokenError(
      TokenErrorCode.CallbackUrlRefused,
      `The callback URL was refused: ${PUBLIC_REFUSAL_MESSAGES[reason]}.`,
      { reason },
    );
  }
}
