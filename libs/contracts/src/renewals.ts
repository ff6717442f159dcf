import { z } from 'zod';

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
 */

/** The public redeem endpoint (seed 003: `/apiAccessTokens/requestRenewedToken`). */
export const REDEEM_PATH = '/apiAccessTokens/requestRenewedToken';

/** Prefix of the issuer's service-to-service API, authenticated with `Authorization: Bearer <INTERNAL_API_SECRET>`. */
export const INTERNAL_API_PREFIX = '/internal/v1';

/** Redeem keys: `lkr_` + 43 base64url characters (256 random bits). Only their SHA-256 is stored. */
export const REDEEM_KEY_PREFIX = 'lkr_';
export const REDEEM_KEY_PATTERN = /^lkr_[A-Za-z0-9_-]{43}$/;

const isoTime = z.iso.datetime({ offset: true });

/** What an admin sets on a token (create or PATCH). */
export const autoRenewalSettings = z.object({
  everyDays: z.number().int().positive(),
  callbackUrl: z.string(),
  mailRecipient: z.string().nullable(),
});
export type AutoRenewalSettings = z.infer<typeof autoRenewalSettings>;

/** The settings plus when the issuer expects the next renewal: what events carry. */
export const autoRenewalSchedule = autoRenewalSettings.extend({ nextRenewalAt: isoTime });
export type AutoRenewalSchedule = z.infer<typeof autoRenewalSchedule>;

/** Why a token was replaced by a successor (TokenRenewed.data.reason). */
export const RENEWAL_REASONS = ['manual', 'rotation', 'auto-renewal'] as const;
export type RenewalReason = (typeof RENEWAL_REASONS)[number];

/** `GET /internal/v1/tokens/:id`: the token as the worker needs it for scheduling and mail. */
export interface InternalTokenState {
  id: string;
  tenantId: string;
  name: string;
  status: 'active' | 'revoked' | 'expired';
  expiresAt: string | null;
  createdBy: string;
  createdByEmail: string | null;
  autoRenewal: AutoRenewalSchedule | null;
  /** The successor's id once the token has been renewed, rotated or auto-renewed. */
  replacedByTokenId: string | null;
}

/** `POST /internal/v1/tokens/:id/renewal-offers` body. */
export interface OpenRenewalOfferRequest {
  /** The `nextRenewalAt` the worker was scheduled for; a different value is stale (409). */
  dueAt: string;
}

export type RenewalOfferStatus = 'pending' | 'redeemed' | 'expired' | 'cancelled';

/** The answer to opening an offer (201 new, 200 the same offer again for the same `dueAt`). */
export interface RenewalOffer {
  id: string;
  tokenId: string;
  tenantId: string;
  status: RenewalOfferStatus;
  createdAt: string;
  /** The redeem window's end (seed 003: 2 hours). */
  windowEndsAt: string;
  /** When a new offer is due if this one is not redeemed (seed 003: 24 hours later). */
  nextRenewalAt: string;
}

/** 409 answers of the internal API carry one of these codes: the worker drops the job, no retry. */
export enum RenewalRefusal {
  NotRenewable = 'TOKEN_NOT_RENEWABLE',
  StaleSchedule = 'RENEWAL_SCHEDULE_STALE',
  OfferClosed = 'RENEWAL_OFFER_CLOSED',
}

/**
 * `POST /internal/v1/renewal-offers/:offerId/deliveries`: one delivery attempt, signed and ready to send.
 * Send exactly `body` (the signature covers these bytes) with `headers`, to `url`, without redirects.
 */
export interface CallbackDelivery {
  attemptId: string;
  offerId: string;
  tokenId: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  windowEndsAt: string;
}

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

export const CALLBACK_OUTCOMES = ['delivered', 'failed', 'blocked'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** `PUT /internal/v1/renewal-attempts/:attemptId` body: what happened when the worker sent it. */
export interface CallbackAttemptReport {
  outcome: CallbackOutcome;
  statusCode: number | null;
  durationMs: number;
  /** A short description of the failure (timeout, connection refused, HTTP 503, SSRF refusal…). */
  error: string | null;
}
