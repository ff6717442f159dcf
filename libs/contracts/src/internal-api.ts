import { z } from 'zod';
import { autoRenewalSchedule } from './renewals';

/*
 * The issuer's service-to-service API, called by the worker (see renewals.ts for the flow). The worker
 * validates every answer against these schemas; the issuer's controllers answer their `z.infer` types.
 * Answers evolve additively: a reader ignores fields it does not know.
 */

/** Prefix of the issuer's service-to-service API, authenticated with `Authorization: Bearer <INTERNAL_API_SECRET>`. */
export const INTERNAL_API_PREFIX = '/internal/v1';

/** A time as JSON carries it; lenient, as `Date.parse` reads it. */
const time = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a time');

/** `GET /internal/v1/tokens/:id`: the token as the worker needs it for scheduling and mail. */
export const internalTokenState = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  status: z.enum(['active', 'revoked', 'expired']),
  expiresAt: time.nullable(),
  createdBy: z.string(),
  createdByEmail: z.string().nullable(),
  autoRenewal: autoRenewalSchedule.nullable(),
  /** The successor's id once the token has been renewed, rotated or auto-renewed. */
  replacedByTokenId: z.string().nullable(),
  /** Told by mail when the token is rotated or revoked (seed 004). Absent from older issuers. */
  technicalOwner: z.object({ email: z.string(), name: z.string().nullable() }).nullable().optional(),
  /**
   * The tenant's expiry reminder days, latest first; null: the worker's default days. Absent from older
   * issuers: read as null.
   */
  expiryReminderDays: z.array(z.number().int().min(0)).nullable().optional(),
});
export type InternalTokenState = z.infer<typeof internalTokenState>;

/** `POST /internal/v1/tokens/:id/renewal-offers` body. */
export const openRenewalOfferRequest = z.object({
  /** The `nextRenewalAt` the worker was scheduled for; a different value is stale (409). */
  dueAt: z.iso.datetime({ offset: true }),
});
export type OpenRenewalOfferRequest = z.infer<typeof openRenewalOfferRequest>;

export const RENEWAL_OFFER_STATUSES = ['pending', 'redeemed', 'expired', 'cancelled'] as const;
export type RenewalOfferStatus = (typeof RENEWAL_OFFER_STATUSES)[number];

/** The answer to opening an offer (201 new, 200 the same offer again for the same `dueAt`). */
export const renewalOffer = z.object({
  id: z.string().min(1),
  tokenId: z.string(),
  tenantId: z.string(),
  status: z.enum(RENEWAL_OFFER_STATUSES),
  createdAt: time,
  /** The redeem window's end (seed 003: 2 hours). */
  windowEndsAt: time,
  /** When a new offer is due if this one is not redeemed (seed 003: 24 hours later). */
  nextRenewalAt: time,
  /**
   * How the offer reaches someone: `callback` (the worker delivers signed callbacks) or `console` (the
   * token has no callback URL: the worker mails the recipient, and the owner redeems it in the console).
   */
  delivery: z.enum(['callback', 'console']).default('callback'),
});
export type RenewalOffer = z.infer<typeof renewalOffer>;

/** 409 answers of the internal API carry one of these codes: the worker drops the job, no retry. */
export enum RenewalRefusal {
  NotRenewable = 'TOKEN_NOT_RENEWABLE',
  StaleSchedule = 'RENEWAL_SCHEDULE_STALE',
  OfferClosed = 'RENEWAL_OFFER_CLOSED',
  /** The renewal is not due yet: an offer (and with it a renewal key) is never opened early. */
  NotDue = 'RENEWAL_NOT_DUE',
  /** The token has no callback URL (any more): its owner redeems the offer in the console. */
  NoCallback = 'RENEWAL_NO_CALLBACK',
}

/**
 * `POST /internal/v1/renewal-offers/:offerId/deliveries`: one delivery attempt, signed and ready to send.
 * Send exactly `body` (the signature covers these bytes) with `headers`, to `url`, without redirects.
 */
export const callbackDelivery = z.object({
  attemptId: z.string().min(1),
  offerId: z.string(),
  tokenId: z.string(),
  url: z.string(),
  body: z.string(),
  headers: z.record(z.string(), z.string()),
  windowEndsAt: time,
});
export type CallbackDelivery = z.infer<typeof callbackDelivery>;

export const CALLBACK_OUTCOMES = ['delivered', 'failed', 'blocked'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** `PUT /internal/v1/renewal-attempts/:attemptId` body: what happened when the worker sent it. */
export const callbackAttemptReport = z.object({
  outcome: z.enum(CALLBACK_OUTCOMES),
  statusCode: z.number().int().min(100).max(599).nullable(),
  durationMs: z.number().int().min(0).max(2_147_483_647),
  /** A short description of the failure (timeout, connection refused, HTTP 503, SSRF refusal…). */
  error: z.string().max(1000).nullable(),
});
export type CallbackAttemptReport = z.infer<typeof callbackAttemptReport>;

/** `POST /internal/v1/idle-tokens/sweeps`: one sweep of the tenants' idle policies, run now. */
export const idleSweepResult = z.object({
  /** Tokens whose owners were warned by this sweep. */
  warned: z.array(z.string()),
  /** Tokens this sweep revoked with reason `idle`. */
  revoked: z.array(z.string()),
});
export type IdleSweepResult = z.infer<typeof idleSweepResult>;

/**
 * `POST /internal/v1/tokens/:id/expiry-notices` body: the worker is about to remind the owner that the
 * token expires at `expiresAt` in `daysBefore` days.
 */
export const expiryNoticeRequest = z.object({
  expiresAt: z.iso.datetime({ offset: true }),
  daysBefore: z.number().int().min(0).max(3650),
});
export type ExpiryNoticeRequest = z.infer<typeof expiryNoticeRequest>;

/**
 * Its answer: `recorded` (TokenExpiring announced now), `already-recorded` (announced before: send the
 * mail, as its deterministic job id keeps it single) or `not-applicable` (the token is revoked, renewed,
 * renews itself or expires at another time: send nothing).
 */
export const expiryNoticeAnswer = z.object({
  outcome: z.enum(['recorded', 'already-recorded', 'not-applicable']),
});
export type ExpiryNoticeAnswer = z.infer<typeof expiryNoticeAnswer>;

/**
 * `GET /internal/v1/tenants/:tenantId/expiring-tokens?after=<token id>`: one page (by token id) of the
 * tenant's tokens that get expiry reminders (active, expiring later, without auto-renewal), for planning
 * them again when the tenant changes its reminder days. `next`: the `after` of the next page, or null.
 */
export const expiringTokensPage = z.object({
  tokenIds: z.array(z.string()),
  next: z.string().nullable(),
});
export type ExpiringTokensPage = z.infer<typeof expiringTokensPage>;
