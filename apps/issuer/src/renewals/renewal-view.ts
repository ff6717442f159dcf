import type {
  CallbackOutcome,
  RenewalOfferStatus,
  RenewalOffer as RenewalOfferAnswer,
} from '@latchkey/contracts';
import type { RenewalAttempt } from './renewal-attempt.entity';
import type { RenewalOffer } from './renewal-offer.entity';
import { displayedStatus } from './renewal-rules';

/** One callback delivery attempt as admins see it: never the key, never its hash. */
export interface RenewalAttemptView {
  id: string;
  number: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: CallbackOutcome | null;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
}

/** One renewal offer with its delivery attempts (`GET /v1/tokens/:id/renewals`). */
export interface RenewalView {
  id: string;
  status: RenewalOfferStatus;
  dueAt: string;
  createdAt: string;
  windowEndsAt: string;
  deliveredAt: string | null;
  redeemedAt: string | null;
  newTokenId: string | null;
  attempts: RenewalAttemptView[];
}

export interface RenewalHistory {
  items: RenewalView[];
}

export function toRenewalAttemptView(attempt: RenewalAttempt): RenewalAttemptView {
  return {
    id: attempt.id,
    number: attempt.number,
    startedAt: attempt.startedAt.toISOString(),
    finishedAt: attempt.finishedAt?.toISOString() ?? null,
    outcome: attempt.outcome,
    statusCode: attempt.statusCode,
    durationMs: attempt.durationMs,
    error: attempt.error,
  };
}

/** Newest offer first, each with its attempts in the order they were made. */
export function toRenewalHistory(
  offers: readonly RenewalOffer[],
  attempts: readonly RenewalAttempt[],
  now: Date,
): RenewalHistory {
  const byOffer = new Map<string, RenewalAttempt[]>();
  for (const attempt of attempts) {
    byOffer.set(attempt.offerId, [...(byOffer.get(attempt.offerId) ?? []), attempt]);
  }
  const newestFirst = [...offers].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id),
  );
  return {
    items: newestFirst.map((offer) => ({
      id: offer.id,
      status: displayedStatus(offer, now),
      dueAt: offer.dueAt.toISOString(),
      createdAt: offer.createdAt.toISOString(),
      windowEndsAt: offer.windowEndsAt.toISOString(),
      deliveredAt: offer.deliveredAt?.toISOString() ?? null,
      redeemedAt: offer.redeemedAt?.toISOString() ?? null,
      newTokenId: offer.newTokenId,
      attempts: (byOffer.get(offer.id) ?? []).sort((a, b) => a.number - b.number).map(toRenewalAttemptView),
    })),
  };
}

/** The internal API's answer for an offer (the contract's `RenewalOffer`). */
/**
 * The worker's view of an offer. `delivery` follows the token's settings now: `console` when it has
 * no callback URL (the worker mails the recipient instead of calling back).
 */
export function toRenewalOfferAnswer(
  offer: RenewalOffer,
  now: Date,
  delivery: RenewalOfferAnswer['delivery'] = 'callback',
): RenewalOfferAnswer {
  return {
    id: offer.id,
    tokenId: offer.tokenId,
    tenantId: offer.tenantId,
    status: displayedStatus(offer, now),
    createdAt: offer.createdAt.toISOString(),
    windowEndsAt: offer.windowEndsAt.toISOString(),
    nextRenewalAt: offer.nextRenewalAt.toISOString(),
    delivery,
  };
}
