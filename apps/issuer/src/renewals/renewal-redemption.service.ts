import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Not } from 'typeorm';
import { REDEEM_KEY_PATTERN } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { Token } from '../tokens/token.entity';
import { TokensService } from '../tokens/tokens.service';
import { hashRedeemKey } from './redeem-key';
import { RenewalAttempt } from './renewal-attempt.entity';
import { RenewalOffer } from './renewal-offer.entity';
import { closeOffer, ownerIsActive } from './renewal-records';
import { isRenewable, oldTokenEnd, REDEEM_REFUSAL_DETAIL, redeemRefusal, windowEnded } from './renewal-rules';
import { RenewalError, RenewalErrorCode } from './renewals.errors';

/** Who renews a token when its renewal key is redeemed: recorded on the TokenRenewed event. */
export const AUTO_RENEWAL_ACTOR = 'system:auto-renewal';

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokensService,
    private readonly relay: OutboxRelay,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
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
    const outcome = await this.dataSource.transaction(
      async (manager): Promise<RenewedToken | RenewalError> => {
        const attempt = await manager.findOneBy(RenewalAttempt, { keyHash });
        if (!attempt) return refusal(RenewalErrorCode.KeyUnknown);
        const { tokenId } = await manager.findOneByOrFail(RenewalOffer, { id: attempt.offerId });
        // The token before the offer, as on every renewal path; concurrent redeems queue here and only
        // the first finds the offer still pending.
        const token = await manager.findOneOrFail(Token, {
          where: { id: tokenId },
          lock: { mode: 'pessimistic_write' },
        });
        const offer = await manager.findOneOrFail(RenewalOffer, {
          where: { id: attempt.offerId },
          lock: { mode: 'pessimistic_write' },
        });
        const refused = redeemRefusal(offer, now);
        if (refused !== null) {
          if (offer.status === 'pending') await closeOffer(manager, offer.id, 'expired', now);
          return refusal(refused);
        }
        if (!isRenewable(token, now) || !(await ownerIsActive(manager, token))) {
          await closeOffer(manager, offer.id, 'cancelled', now);
          return refusal(RenewalErrorCode.KeyCancelled);
        }
        const oldEndsAt = oldTokenEnd(token.expiresAt, now, this.config);
        const renewed = await this.tokens.replaceInTransaction(
          manager,
          token,
          {
            name: token.name,
            description: token.description,
            oldEndsAt,
            reason: 'auto-renewal',
            actorId: AUTO_RENEWAL_ACTOR,
          },
          now,
        );
        await manager.update(
          RenewalOffer,
          { id: offer.id },
          { status: 'redeemed', redeemedAt: now, newTokenId: renewed.id, closedAt: now },
        );
        // Whatever else was still open for the old token can no longer be redeemed.
        const others = await manager.findBy(RenewalOffer, { tokenId, status: 'pending', id: Not(offer.id) });
        for (const other of others) {
          await closeOffer(manager, other.id, windowEnded(other, now) ? 'expired' : 'cancelled', now);
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
      },
    );
    // Refusals that record something (an offer closed) are thrown after their transaction committed.
    if (outcome instanceof RenewalError) throw outcome;
    this.relay.nudge();
    return outcome;
  }
}

function refusal(code: keyof typeof REDEEM_REFUSAL_DETAIL): RenewalError {
  return new RenewalError(code, REDEEM_REFUSAL_DETAIL[code]);
}
