import type { RenewalOfferStatus } from '@latchkey/contracts';
import type { IssuerConfig } from '../config';
import type { Token } from '../tokens/token.entity';
import { tokenStatus } from '../tokens/token-view';
import type { RenewalOffer } from './renewal-offer.entity';
import { RenewalErrorCode } from './renewals.errors';

/*
 * The decisions of auto-renewal (seed 003), free of I/O: when an offer's window ends, when the next offer
 * is due, and which answer a redeem or an offer request gets.
 */

export type RenewalTimings = Pick<IssuerConfig, 'RENEWAL_REDEEM_WINDOW_MS' | 'RENEWAL_RECALLBACK_DELAY_MS'>;

/**
 * An offer opened at `now` can be redeemed until `windowEndsAt` (2 h); should it not be, the next offer,
 * with a new callback and a new key, is due `RENEWAL_RECALLBACK_DELAY_MS` (24 h) after the window closed.
 */
export function offerTimes(now: Date, timings: RenewalTimings): { windowEndsAt: Date; nextRenewalAt: Date } {
  const windowEndsAt = new Date(now.getTime() + timings.RENEWAL_REDEEM_WINDOW_MS);
  const nextRenewalAt = new Date(windowEndsAt.getTime() + timings.RENEWAL_RECALLBACK_DELAY_MS);
  return { windowEndsAt, nextRenewalAt };
}

/** The window is half-open: a key is redeemable strictly before `windowEndsAt`. */
export function windowEnded(offer: Pick<RenewalOffer, 'windowEndsAt'>, now: Date): boolean {
  return offer.windowEndsAt.getTime() <= now.getTime();
}

/** What admins see: a pending offer whose window has ended is expired, recorded so or not yet. */
export function displayedStatus(
  offer: Pick<RenewalOffer, 'status' | 'windowEndsAt'>,
  now: Date,
): RenewalOfferStatus {
  return offer.status === 'pending' && windowEnded(offer, now) ? 'expired' : offer.status;
}

type RenewableFields = Pick<Token, 'status' | 'expiresAt' | 'renewalEveryDays' | 'replacedByTokenId'>;

/**
 * A live token that auto-renews and has not been replaced yet, with or without a callback URL (seed
 * 003: without one, the owner redeems the renewal in the console).
 */
export function isRenewable(token: RenewableFields, now: Date): boolean {
  return (
    tokenStatus(token, now) === 'active' &&
    token.renewalEveryDays !== null &&
    token.replacedByTokenId === null
  );
}

/** Why no offer may be opened for `dueAt`, or null when it may. */
export function openOfferRefusal(
  token: RenewableFields & Pick<Token, 'renewalNextAt'>,
  dueAt: Date,
  now: Date,
  clockSkewMs = 0,
): RenewalErrorCode.NotRenewable | RenewalErrorCode.StaleSchedule | RenewalErrorCode.NotDue | null {
  if (!isRenewable(token, now)) return RenewalErrorCode.NotRenewable;
  if (token.renewalNextAt === null || token.renewalNextAt.getTime() !== dueAt.getTime()) {
    return RenewalErrorCode.StaleSchedule;
  }
  // A key handed out before its time would renew the token early: only a due renewal gets an offer.
  if (dueAt.getTime() > now.getTime() + clockSkewMs) return RenewalErrorCode.NotDue;
  return null;
}

export type RedeemRefusal =
  RenewalErrorCode.KeyUsed | RenewalErrorCode.KeyCancelled | RenewalErrorCode.KeyExpired;

/** Why a key of this offer cannot be redeemed now, judged on the offer alone; null when it can. */
export function redeemRefusal(
  offer: Pick<RenewalOffer, 'status' | 'windowEndsAt'>,
  now: Date,
): RedeemRefusal | null {
  switch (offer.status) {
    case 'redeemed':
      return RenewalErrorCode.KeyUsed;
    case 'cancelled':
      return RenewalErrorCode.KeyCancelled;
    case 'expired':
      return RenewalErrorCode.KeyExpired;
    case 'pending':
      return windowEnded(offer, now) ? RenewalErrorCode.KeyExpired : null;
  }
}

/** The explanation a third party reads; it never names the tenant or the token. */
export const REDEEM_REFUSAL_DETAIL: Record<RedeemRefusal | RenewalErrorCode.KeyUnknown, string> = {
  [RenewalErrorCode.KeyUnknown]: 'This renewal key is not known.',
  [RenewalErrorCode.KeyUsed]: 'This renewal key has already been redeemed; a key works once.',
  [RenewalErrorCode.KeyCancelled]:
    'This renewal key was cancelled: the token it renews is no longer active or was replaced.',
  [RenewalErrorCode.KeyExpired]:
    'This renewal key can no longer be redeemed: its redeem window has ended. A later callback brings a new key.',
};

/**
 * The explanation the token's owner reads when redeeming in the console (seed 003 without a callback):
 * no key, no callback, but when the next renewal comes, for the signed-in owner of the token.
 */
export function ownerRedeemRefusalDetail(
  code: RedeemRefusal,
  offer: Pick<RenewalOffer, 'windowEndsAt' | 'nextRenewalAt'>,
): string {
  switch (code) {
    case RenewalErrorCode.KeyUsed:
      return 'This renewal has already been redeemed: the renewed token has its own page.';
    case RenewalErrorCode.KeyCancelled:
      return 'This renewal was cancelled: the token is no longer active or was replaced.';
    case RenewalErrorCode.KeyExpired:
      return (
        `This renewal can no longer be redeemed: its redeem window ended at ${offer.windowEndsAt.toISOString()}. ` +
        `The next renewal opens at ${offer.nextRenewalAt.toISOString()}, and the renewal mail recipient is told. ` +
        'The current token keeps working until it expires.'
      );
  }
}

/** The old token's end once its renewal is redeemed: the grace period, never past its own expiry. */
export function oldTokenEnd(
  expiresAt: Date | null,
  now: Date,
  timings: Pick<IssuerConfig, 'RENEWAL_OLD_TOKEN_GRACE_MS'>,
): Date {
  const graceEnd = new Date(now.getTime() + timings.RENEWAL_OLD_TOKEN_GRACE_MS);
  return expiresAt !== null && expiresAt.getTime() < graceEnd.getTime() ? expiresAt : graceEnd;
}
