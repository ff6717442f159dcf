import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, In, IsNull, LessThanOrEqual } from 'typeorm';
import type {
  CallbackAttemptReport,
  CallbackDelivery,
  RenewalOffer as RenewalOfferAnswer,
} from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import { Token } from '../tokens/token.entity';
import { TokensService } from '../tokens/tokens.service';
import { callbackBody, callbackHeaders, redeemUrl, signatureHeader } from './callback-delivery';
import { generateRedeemKey } from './redeem-key';
import { closeOffer, ownerIsActive } from './renewal-records';
import { RenewalAttempt } from './renewal-attempt.entity';
import { RenewalOffer } from './renewal-offer.entity';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokensService,
    private readonly signingSecrets: SigningSecretsService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /**
   * Opens the offer for the token's renewal due at `dueAt`, or returns it again when it already exists.
   * The token's next due time moves to the offer's `nextRenewalAt`: should the offer not be redeemed, the
   * worker comes back then with a new callback; redeeming it clears the schedule instead.
   */
  openOffer(tokenId: string, dueAt: Date): Promise<OpenedOffer> {
    const now = new Date();
    return this.dataSource.transaction(async (manager) => {
      const token = await manager.findOne(Token, {
        where: { id: tokenId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!token) throw new RenewalError(RenewalErrorCode.TokenNotFound, `No token ${tokenId}.`);
      const existing = await manager.findOneBy(RenewalOffer, { tokenId, dueAt });
      if (existing) return { offer: toRenewalOfferAnswer(existing, now), created: false };
      const refusal = openOfferRefusal(token, dueAt, now);
      if (refusal === RenewalErrorCode.NotRenewable) {
        throw new RenewalError(
          refusal,
          'The token is revoked, expired, replaced, or does not auto-renew: it gets no renewal offer.',
        );
      }
      if (!(await ownerIsActive(manager, token))) {
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
      await manager.update(
        RenewalOffer,
        { tokenId, status: 'pending', windowEndsAt: LessThanOrEqual(now) },
        { status: 'expired', closedAt: now },
      );
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
      await manager.insert(RenewalOffer, { ...offer });
      await manager.update(Token, { id: tokenId }, { renewalNextAt: nextRenewalAt });
      return { offer: toRenewalOfferAnswer(offer, now), created: true };
    });
  }

  /**
   * One delivery attempt: a fresh redeem key (only its hash is kept) in a body signed with every secret
   * of the tenant that may sign now. The plaintext key exists only in the answer.
   */
  async deliver(offerId: string): Promise<CallbackDelivery> {
    const now = new Date();
    const outcome = await this.dataSource.transaction(
      async (manager): Promise<CallbackDelivery | RenewalError> => {
        const offer = await manager.findOne(RenewalOffer, {
          where: { id: offerId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!offer) {
          throw new RenewalError(RenewalErrorCode.OfferNotFound, `No renewal offer ${offerId}.`);
        }
        if (offer.status !== 'pending') return offerClosed(`The offer is ${offer.status}.`);
        if (windowEnded(offer, now)) {
          await closeOffer(manager, offer.id, 'expired', now);
          return offerClosed('The offer’s redeem window has ended.');
        }
        const token = await manager.findOneByOrFail(Token, { id: offer.tokenId });
        if (
          !isRenewable(token, now) ||
          token.renewalCallbackUrl === null ||
          !(await ownerIsActive(manager, token))
        ) {
          await closeOffer(manager, offer.id, 'cancelled', now);
          return offerClosed('The token is no longer renewable.');
        }
        const secrets = await this.signingSecrets.signingKeys(offer.tenantId, now, manager);
        if (secrets.length === 0) {
          // Thrown, so the transaction records nothing: once the tenant creates a secret, delivery works.
          throw new RenewalError(
            RenewalErrorCode.SigningSecretRequired,
            'The tenant has no callback signing secret, so no callback can be signed.',
          );
        }
        const attempt = await this.newAttempt(manager, offer.id, now);
        const body = callbackBody({
          deliveryId: attempt.id,
          offerId: offer.id,
          tokenId: offer.tokenId,
          key: attempt.key,
          redeemBy: offer.windowEndsAt.toISOString(),
          redeemUrl: redeemUrl(this.config.ISSUER_PUBLIC_URL),
        });
        const signature = signatureHeader(body, secrets, Math.floor(now.getTime() / 1000));
        return {
          attemptId: attempt.id,
          offerId: offer.id,
          tokenId: offer.tokenId,
          url: token.renewalCallbackUrl,
          body,
          headers: callbackHeaders(signature, attempt.id),
          windowEndsAt: offer.windowEndsAt.toISOString(),
        };
      },
    );
    // Refusals that record something (an offer closed) are thrown after their transaction committed.
    if (outcome instanceof RenewalError) throw outcome;
    return outcome;
  }

  /** Records what happened to an attempt; reporting again overwrites. */
  async report(attemptId: string, report: CallbackAttemptReport): Promise<void> {
    const now = new Date();
    await this.dataSource.transaction(async (manager) => {
      const attempt = await manager.findOneBy(RenewalAttempt, { id: attemptId });
      if (!attempt) {
        throw new RenewalError(RenewalErrorCode.AttemptNotFound, `No renewal attempt ${attemptId}.`);
      }
      await manager.update(
        RenewalAttempt,
        { id: attemptId },
        {
          finishedAt: now,
          outcome: report.outcome,
          statusCode: report.statusCode,
          durationMs: report.durationMs,
          error: report.error,
        },
      );
      if (report.outcome === 'delivered') {
        await manager.update(
          RenewalOffer,
          { id: attempt.offerId, deliveredAt: IsNull() },
          { deliveredAt: now },
        );
      }
    });
  }

  /** The token's renewal offers and their attempts, for whoever may see the token. */
  async history(principal: AdminPrincipal, tokenId: string): Promise<RenewalHistory> {
    // Answers 404 for a token the principal may not see, exactly as GET /v1/tokens/:id does.
    await this.tokens.get(principal, tokenId);
    const offers = await this.dataSource.getRepository(RenewalOffer).find({
      where: { tokenId },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    const attempts =
      offers.length === 0
        ? []
        : await this.dataSource.getRepository(RenewalAttempt).find({
            where: { offerId: In(offers.map((o) => o.id)) },
            order: { number: 'ASC' },
          });
    return toRenewalHistory(offers, attempts, new Date());
  }

  /** Numbers the attempt after the offer's last one; the caller holds the offer's lock. */
  private async newAttempt(
    manager: EntityManager,
    offerId: string,
    now: Date,
  ): Promise<{ id: string; key: string }> {
    const last = await manager.maximum(RenewalAttempt, 'number', { offerId });
    const { key, hash } = generateRedeemKey();
    const attempt: RenewalAttempt = {
      id: randomUUID(),
      offerId,
      number: (last ?? 0) + 1,
      keyHash: hash,
      startedAt: now,
      finishedAt: null,
      outcome: null,
      statusCode: null,
      durationMs: null,
      error: null,
    };
    await manager.insert(RenewalAttempt, { ...attempt });
    return { id: attempt.id, key };
  }
}

function offerClosed(detail: string): RenewalError {
  return new RenewalError(RenewalErrorCode.OfferClosed, `${detail} No further callbacks are sent for it.`);
}
