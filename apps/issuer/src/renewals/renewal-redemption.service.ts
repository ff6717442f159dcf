import { Inject, Injectable } from '@nestjs/common';
import { AUTO_RENEWAL_ACTOR, REDEEM_KEY_PATTERN, type RenewalOfferStatus } from '@latchkey/contracts';
import { DomainError } from '@latchkey/service-runtime';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { MembersRepository } from '../members/members.repository';
import { UnitOfWork, type UnitOfWorkTx } from '../outbox/unit-of-work';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
import { ReplaceToken } from '../tokens/replace-token';
import type { Token } from '../tokens/token.entity';
import { assertTokenOwner, scopeOf } from '../tokens/token-rules';
import { TokensRepository } from '../tokens/tokens.repository';
import type { RenewalOffer } from './renewal-offer.entity';
import { hashRedeemKey } from './redeem-key';
import { RenewalOffersRepository } from './renewal-offers.repository';
import {
  isRenewable,
  oldTokenEnd,
  ownerRedeemRefusalDetail,
  REDEEM_REFUSAL_DETAIL,
  type RedeemRefusal,
  redeemRefusal,
  windowEnded,
} from './renewal-rules';
import { RenewalError, RenewalErrorCode } from './renewals.errors';

/** Who renews a token when its renewal key is redeemed: recorded on the TokenRenewed event. */
export { AUTO_RENEWAL_ACTOR };

/** The answer to a redeemed key: the successor, with its plaintext once, and the old token's end. */
export interface RenewedToken {
  /** The new token's plaintext: in this answer only, never again. */
  token: string;
  id: string;
  name: string;
  keyPrefix: string;
  expiresAt: string | null;
  scopes: string[];
  resources: string[];
  replaces: { id: string; endsAt: string };
}

/**
 * The public side of auto-renewal (seed 003): a third party redeems a key from a callback and receives
 * the renewed token. The key is the only credential; a key works once, within its offer's window.
 */
@Injectable()
export class RenewalRedemptionService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly offers: RenewalOffersRepository,
    private readonly tokens: TokensRepository,
    private readonly members: MembersRepository,
    private readonly replaceToken: ReplaceToken,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly policies: TenantPolicyService,
    private readonly recovery: TokenRecoveryStore,
  ) {}

  async redeem(key: string): Promise<RenewedToken> {
    if (!REDEEM_KEY_PATTERN.test(key)) {
      throw new RenewalError(
        RenewalErrorCode.KeyMalformed,
        'key must be a renewal key as delivered in the callback: lkr_ followed by 43 base64url characters.',
      );
    }
    const keyHash = hashRedeemKey(key);
    const now = new Date();
    const outcome = await this.unitOfWork.run(async (tx): Promise<RenewedToken | RenewalError> => {
      const attempt = await this.offers.findAttemptByKeyHash(tx, keyHash);
      if (!attempt) return refusal(RenewalErrorCode.KeyUnknown);
      const unlocked = await this.offers.find(tx, attempt.offerId);
      if (!unlocked) return refusal(RenewalErrorCode.KeyUnknown);
      const tokenId = unlocked.tokenId;
      // The token before the offer, as on every renewal path; concurrent redeems queue here and only
      // the first finds the offer still pending.
      const token = await this.tokens.lockById(tx, tokenId);
      const offer = await this.offers.lock(tx, attempt.offerId);
      if (!token || !offer) return refusal(RenewalErrorCode.KeyUnknown);
      return this.redeemLocked(tx, token, offer, { actorId: AUTO_RENEWAL_ACTOR }, now);
    });
    // Refusals that record something (an offer closed) are thrown after their transaction committed.
    if (outcome instanceof RenewalError) throw outcome;
    return outcome;
  }

  /**
   * The token's owner redeems a pending offer in the console, signed in, without a key (seed 003: a
   * token without a callback URL is renewed this way; the mail recipient was told). Answers as a key
   * would: 410 once the window ended or the token stopped being renewable, 409 once redeemed. A token
   * the principal may not see, or an offer of another token, is 404.
   */
  async redeemAsOwner(principal: AdminPrincipal, tokenId: string, offerId: string): Promise<RenewedToken> {
    const now = new Date();
    const governance = await this.policies.governance(principal.tenantId);
    const outcome = await this.unitOfWork.run(async (tx): Promise<RenewedToken | RenewalError> => {
      const token = await this.tokens.lockVisible(tx, scopeOf(principal, governance), tokenId);
      if (!token) throw new RenewalError(RenewalErrorCode.TokenNotFound, 'No such token in your tenant.');
      // Whoever redeems receives the successor's plaintext: the owner's call alone, as auto-renewal's
      // settings are.
      assertTokenOwner(principal, token, 'redeem its renewal');
      const offer = await this.offers.lock(tx, offerId);
      if (!offer || offer.tokenId !== token.id) {
        throw new RenewalError(RenewalErrorCode.OfferNotFound, 'No such renewal offer for this token.');
      }
      return this.redeemLocked(
        tx,
        token,
        offer,
        { actorId: principal.userId, actorEmail: principal.email },
        now,
        ownerRedeemRefusalDetail,
      );
    });
    if (outcome instanceof RenewalError) throw outcome;
    return outcome;
  }

  /**
   * Seed 003 in a tenant that keeps tokens recoverable: a token without a callback URL "is automatically
   * renewed" when its offer opens, with nobody redeeming it. The successor is kept encrypted like every
   * token the tenant issues, so its owner copies it on its page in the console, and the mail recipient
   * hears of the renewal (TokenRenewed). In a tenant that does not keep tokens nobody could ever read a
   * successor minted this way, so the offer stays pending for the owner to redeem within the window.
   *
   * Answers the offer's status afterwards: `pending` when it was left for the owner (the tenant does not
   * keep tokens, the token has a callback URL again, or the tenant's policy refused the successor).
   */
  async renewKept(offerId: string): Promise<RenewalOfferStatus> {
    const now = new Date();
    try {
      return await this.unitOfWork.run(async (tx): Promise<RenewalOfferStatus> => {
        const unlocked = await this.offers.find(tx, offerId);
        if (!unlocked) throw new RenewalError(RenewalErrorCode.OfferNotFound, `No renewal offer ${offerId}.`);
        if (unlocked.status !== 'pending') return unlocked.status;
        const token = await this.tokens.lockById(tx, unlocked.tokenId);
        const offer = await this.offers.lock(tx, offerId);
        if (!token || !offer)
          throw new RenewalError(RenewalErrorCode.OfferNotFound, `No renewal offer ${offerId}.`);
        if (offer.status !== 'pending') return offer.status;
        if (token.renewalCallbackUrl !== null) return 'pending';
        if (!(await this.recovery.keepsTokens(tx, token.tenantId))) return 'pending';
        const renewed = await this.redeemLocked(tx, token, offer, { actorId: AUTO_RENEWAL_ACTOR }, now);
        if (renewed instanceof RenewalError) {
          return renewed.code === String(RenewalErrorCode.KeyExpired) ? 'expired' : 'cancelled';
        }
        return 'redeemed';
      });
    } catch (error) {
      // The successor was refused (422 POLICY_*, TOKEN_LIMIT_REACHED, or any other refusal): nothing
      // was written, and the offer stays open for the owner, announced by the "ready to redeem" mail.
      if (error instanceof DomainError && error.status >= 400 && error.status < 500) return 'pending';
      throw error;
    }
  }

  /** Redeems `offer` of `token`, both locked in `tx` (the token first, as on every renewal path). */
  private async redeemLocked(
    tx: UnitOfWorkTx,
    token: Token,
    offer: RenewalOffer,
    actor: { actorId: string; actorEmail?: string | null },
    now: Date,
    explain: (code: RedeemRefusal, offer: RenewalOffer) => string = (code) => REDEEM_REFUSAL_DETAIL[code],
  ): Promise<RenewedToken | RenewalError> {
    const tokenId = token.id;
    {
      const refused = redeemRefusal(offer, now);
      if (refused !== null) {
        if (offer.status === 'pending') await this.offers.close(tx, offer.id, 'expired', now);
        return new RenewalError(refused, explain(refused, offer));
      }
      if (!isRenewable(token, now) || !(await this.members.isActive(token.tenantId, token.createdBy, tx))) {
        await this.offers.close(tx, offer.id, 'cancelled', now);
        return new RenewalError(RenewalErrorCode.KeyCancelled, explain(RenewalErrorCode.KeyCancelled, offer));
      }
      const oldEndsAt = oldTokenEnd(token.expiresAt, now, this.config);
      const renewed = await this.replaceToken.replace(
        tx,
        token,
        {
          name: token.name,
          description: token.description,
          oldEndsAt,
          reason: 'auto-renewal',
          ...actor,
        },
        now,
      );
      await this.offers.markRedeemed(tx, offer.id, renewed.id, now);
      // Whatever else was still open for the old token can no longer be redeemed.
      for (const other of await this.offers.otherPending(tx, tokenId, offer.id)) {
        await this.offers.close(tx, other.id, windowEnded(other, now) ? 'expired' : 'cancelled', now);
      }
      return {
        token: renewed.token,
        id: renewed.id,
        name: renewed.name,
        keyPrefix: renewed.keyPrefix,
        expiresAt: renewed.expiresAt,
        scopes: renewed.scopes,
        resources: renewed.resources,
        replaces: { id: token.id, endsAt: oldEndsAt.toISOString() },
      };
    }
  }
}

function refusal(code: keyof typeof REDEEM_REFUSAL_DETAIL): RenewalError {
  return new RenewalError(code, REDEEM_REFUSAL_DETAIL[code]);
}
