import { z } from 'zod';
import { isoInstant } from './instant';

/**
 * Auto-renewal (seed 003): the contract between the issuer, which owns every renewal record, and the
 * worker, which schedules the work and talks to the outside world (callbacks, mail).
 *
 * The issuer decides, the worker delivers:
 * - events tell the worker when a token's next renewal is due (`AutoRenewalSchedule.nextRenewalAt`);
 * - at that time the worker asks the issuer to open a renewal offer (`POST …/renewal-offers`), which the
 *   issuer refuses (409) when the token is no longer renewable or the due time is stale;
 * - for each delivery attempt the worker asks the issuer for a freshly signed callback carrying a fresh
 *   redeem key (the issuer keeps only the key's hash and the tenant's signing secret never leaves it),
 *   sends it, and reports the outcome;
 * - the third party redeems the key at the issuer's public `REDEEM_PATH`.
 *
 * The worker's calls and the issuer's answers are in internal-api.ts.
 */

/** The public redeem endpoint (seed 003: `/apiAccessTokens/requestRenewedToken`). */
export const REDEEM_PATH = '/apiAccessTokens/requestRenewedToken';

/** Redeem keys: `lkr_` + 43 base64url characters (256 random bits). Only their SHA-256 is stored. */
export const REDEEM_KEY_PREFIX = 'lkr_';
export const REDEEM_KEY_PATTERN = /^lkr_[A-Za-z0-9_-]{43}$/;

const isoTime = isoInstant;

/**
 * What an admin sets on a token (create or PATCH). `callbackUrl` is optional (seed 003): without one,
 * the renewal still happens on schedule, the mail recipient is told, and the owner redeems it in the
 * console. A setting has a callback URL, a mail recipient, or both.
 */
export const autoRenewalSettings = z.object({
  everyDays: z.number().int().positive(),
  callbackUrl: z.string().nullable(),
  mailRecipient: z.string().nullable(),
});
export type AutoRenewalSettings = z.infer<typeof autoRenewalSettings>;

/** The settings plus when the issuer expects the next renewal: what events carry. */
export const autoRenewalSchedule = autoRenewalSettings.extend({ nextRenewalAt: isoTime });
export type AutoRenewalSchedule = z.infer<typeof autoRenewalSchedule>;

/**
 * `TokenRenewed.data.renewedBy` (and the successor's `issuedBy`) when nobody signed in renewed the token:
 * a key from a callback was redeemed, or the issuer renewed a callback-less token of a tenant that keeps
 * tokens recoverable (seed 003).
 */
export const AUTO_RENEWAL_ACTOR = 'system:auto-renewal';

/** Why a token was replaced by a successor (TokenRenewed.data.reason). */
export const RENEWAL_REASONS = ['manual', 'rotation', 'auto-renewal'] as const;
export type RenewalReason = (typeof RENEWAL_REASONS)[number];

/** The JSON body of a renewal callback, as the third party receives it. */
export interface RenewalCallbackBody {
  type: 'token.renewal_available';
  /** Unique per delivery attempt; lets receivers de-duplicate. */
  deliveryId: string;
  offerId: string;
  tokenId: string;
  /** Redeem at `redeemUrl` with `{ "key": … }` before `redeemBy` to receive the renewed token. */
  key: string;
  redeemBy: string;
  redeemUrl: string;
}
