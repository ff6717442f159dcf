import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type {
  CallbackAttemptReport,
  CallbackDelivery,
  RenewalOffer as RenewalOfferAnswer,
} from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { type Tx, TransactionRunner } from '../database/transaction';
import { MembersRepository } from '../members/members.repository';
import { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import { TokenQueries } from '../tokens/token-queries';
import { TokensRepository } from '../tokens/tokens.repository';
import { callbackBody, callbackHeaders, redeemUrl, signatureHeader } from './callback-delivery';
import { generateRedeemKey } from './redeem-key';
import type { RenewalAttempt } from './renewal-attempt.entity';
import type { RenewalOffer } from './renewal-offer.entity';
import { RenewalOffersRepository } from './renewal-offers.repository';
import { RenewalRedemptionService } from './renewal-redemption.service';
import { isRenewable, offerTimes, openOfferRefusal, windowEnded } from './renewal-rules';
import { type RenewalHistory, toRenewalHistory, toRenewalOfferAnswer } from './renewal-view';
import { RenewalError, RenewalErrorCode } from './renewals.errors';

export interface OpenedOffer {
  offer: RenewalOfferAnswer;
  /** False when the offer for this due time already existed (the worker's job ran again). */
  created: boolean;
}

/**
 * The issuer's side of auto-renewal (seed 003) for the worker: it opens offers when renewals are due,
 * hands out one signed callback with a fresh redeem key per delivery attempt, and records how each
 * attempt went. Every renewal path locks a token before its offers, never the other way round.
 */
@Injectable()
export class RenewalsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly offers: RenewalOffersRepository,
    private readonly tokens: TokensRepository,
    private readonly tokenQueries: TokenQueries,
    private readonly members: MembersRepository,
    private readonly signingSecrets: SigningSecretsService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly redemption: RenewalRedemptionService,
  ) {}

  /**
   * The worker's call when a renewal falls due: opens the offer (`openOffer`), and renews at once an
   * offer without a callback in a tenant that keeps tokens recoverable (seed 003; `renewKept`). The
   * answer's status is then `redeemed`: the worker neither calls back nor mails "ready to redeem", and
   * the successor's own schedule takes over. Asked again for the same due time, it answers the same.
   */
  async openOnSchedule(tokenId: string, dueAt: Date): Promise<OpenedOffer> {
    const opened = await this.openOffer(tokenId, dueAt);
    const { offer } = opened;
    if (offer.delivery !== 'console' || offer.status !== 'pending') return opened;
    const status = await this.redemption.renewKept(offer.id);
    return { ...opened, offer: { ...offer, status } };
  }

  /**
   * Opens the offer for the token's renewal due at `dueAt`, or returns it again when it already exists.
   * The token's next due time moves to the offer's `nextRenewalAt`: should the offer not be redeemed, the
   * worker comes back then with a new callback; redeeming it clears the schedule instead.
   */
  openOffer(tokenId: string, dueAt: Date): Promise<OpenedOffer> {
    const now = new Date();
    return this.transactions.run(async (tx) => {
      const token = await this.tokens.lockById(tx, tokenId);
      if (!token) throw new RenewalError(RenewalErrorCode.TokenNotFound, `No token ${tokenId}.`);
      const delivery = token.renewalCallbackUrl === null ? 'console' : 'callback';
      const existing = await this.offers.findByDue(tx, tokenId, dueAt);
      if (existing) return { offer: toRenewalOfferAnswer(existing, now, delivery), created: false };
      const refusal = openOfferRefusal(token, dueAt, now, this.config.RENEWAL_OPEN_CLOCK_SKEW_MS);
      if (refusal === RenewalErrorCode.NotRenewable) {
        throw new RenewalError(
          refusal,
          'The token is revoked, expired, replaced, or does not auto-renew: it gets no renewal offer.',
        );
      }
      if (!(await this.members.isActive(token.tenantId, token.createdBy, tx))) {
        throw new RenewalError(
          RenewalErrorCode.NotRenewable,
          'The token’s owner was removed from the tenant: its tokens are refused, so it gets no renewal offer.',
        );
      }
      if (refusal === RenewalErrorCode.StaleSchedule) {
        throw new RenewalError(
          refusal,
          `The token's next renewal is no longer due at ${dueAt.toISOString()}.`,
          { nextRenewalAt: token.renewalNextAt?.toISOString() ?? null },
        );
      }
      if (refusal === RenewalErrorCode.NotDue) {
        throw new RenewalError(
          refusal,
          `The token's renewal is due at ${dueAt.toISOString()}, not yet: no offer is opened early.`,
          { dueAt: dueAt.toISOString() },
        );
      }
      await this.offers.expireLapsed(tx, tokenId, now);
      const { windowEndsAt, nextRenewalAt } = offerTimes(now, this.config);
      const offer: RenewalOffer = {
        id: randomUUID(),
        tokenId,
        tenantId: token.tenantId,
        dueAt,
        status: 'pending',
        createdAt: now,
        windowEndsAt,
        nextRenewalAt,
        deliveredAt: null,
        redeemedAt: null,
        closedAt: null,
        newTokenId: null,
      };
      await this.offers.insert(tx, offer);
      await this.tokens.update(tx, tokenId, { renewalNextAt: nextRenewalAt });
      return { offer: toRenewalOfferAnswer(offer, now, delivery), created: true };
    });
  }

  /**
   * One delivery attempt: a fresh redeem key (only its hash is kept) in a body signed with every secret
   * of the tenant that may sign now. The plaintext key exists only in the answer.
   */
  async deliver(offerId: string): Promise<CallbackDelivery> {
    const now = new Date();
    const outcome = await this.transactions.run(async (tx): Promise<CallbackDelivery | RenewalError> => {
      const offer = await this.offers.lock(tx, offerId);
      if (!offer) {
        throw new RenewalError(RenewalErrorCode.OfferNotFound, `No renewal offer ${offerId}.`);
      }
      if (offer.status !== 'pending') return offerClosed(`The offer is ${offer.status}.`);
      if (windowEnded(offer, now)) {
        await this.offers.close(tx, offer.id, 'expired', now);
        return offerClosed('The offer’s redeem window has ended.');
      }
      const token = await this.tokens.findById(offer.tokenId, tx);
      if (
        !token ||
        !isRenewable(token, now) ||
        !(await this.members.isActive(token.tenantId, token.createdBy, tx))
      ) {
        await this.offers.close(tx, offer.id, 'cancelled', now);
        return offerClosed('The token is no longer renewable.');
      }
      if (token.renewalCallbackUrl === null) {
        // The callback URL was removed: the offer stays open for its owner to redeem in the console.
        throw new RenewalError(
          RenewalErrorCode.NoCallback,
          'The token has no callback URL any more: its owner redeems the offer in the console.',
        );
      }
      const secrets = await this.signingSecrets.signingKeys(offer.tenantId, now, tx);
      if (secrets.length === 0) {
        // Thrown, so the transaction records nothing: once the tenant creates a secret, delivery works.
        throw new RenewalError(
          RenewalErrorCode.SigningSecretRequired,
          'The tenant has no callback signing secret, so no callback can be signed.',
        );
      }
      const attempt = await this.newAttempt(tx, offer.id, now);
      const body = callbackBody({
        deliveryId: attempt.id,
        offerId: offer.id,
        tokenId: offer.tokenId,
        key: attempt.key,
        redeemBy: offer.windowEndsAt.toISOString(),
        redeemUrl: redeemUrl(this.config.ISSUER_PUBLIC_URL),
      });
      const signature = signatureHeader(
        body,
        secrets,
        Math.floor(now.getTime() / 1000),
        token.renewalCallbackUrl,
      );
      return {
        attemptId: attempt.id,
        offerId: offer.id,
        tokenId: offer.tokenId,
        url: token.renewalCallbackUrl,
        body,
        headers: callbackHeaders(signature, attempt.id),
        windowEndsAt: offer.windowEndsAt.toISOString(),
      };
    });
    // Refusals that record something (an offer closed) are thrown after their transaction committed.
    if (outcome instanceof RenewalError) throw outcome;
    return outcome;
  }

  /** Records what happened to an attempt; reporting again overwrites. */
  async report(attemptId: string, report: CallbackAttemptReport): Promise<void> {
    const now = new Date();
    await this.transactions.run(async (tx) => {
      const attempt = await this.offers.findAttempt(tx, attemptId);
      if (!attempt) {
        throw new RenewalError(RenewalErrorCode.AttemptNotFound, `No renewal attempt ${attemptId}.`);
      }
      await this.offers.recordAttempt(tx, attempt, report, now);
    });
  }

  /** The token's renewal offers and their attempts, for whoever may see the token. */
  async history(principal: AdminPrincipal, tokenId: string): Promise<RenewalHistory> {
    // Answers 404 for a token the principal may not see, exactly as GET /v1/tokens/:id does.
    await this.tokenQueries.get(principal, tokenId);
    const { offers, attempts } = await this.offers.history(tokenId);
    return toRenewalHistory(offers, attempts, new Date());
  }

  /** Numbers the attempt after the offer's last one; the caller holds the offer's lock. */
  private async newAttempt(tx: Tx, offerId: string, now: Date): Promise<{ id: string; key: string }> {
    const number = await this.offers.nextAttemptNumber(tx, offerId);
    const { key, hash } = generateRedeemKey();
    const attempt: RenewalAttempt = {
      id: randomUUID(),
      offerId,
      number,
      keyHash: hash,
      startedAt: now,
      finishedAt: null,
      outcome: null,
      statusCode: null,
      durationMs: null,
      error: null,
    };
    await this.offers.insertAttempt(tx, attempt);
    return { id: attempt.id, key };
  }
}

function offerClosed(detail: string): RenewalError {
  return new RenewalError(RenewalErrorCode.OfferClosed, `${detail} No further callbacks are sent for it.`);
}
