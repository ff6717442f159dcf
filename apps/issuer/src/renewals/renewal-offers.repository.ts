import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import type { CallbackAttemptReport } from '@latchkey/contracts';
import { managerOf, type Tx } from '../database/transaction';
import { RenewalAttempt } from './renewal-attempt.entity';
import { RenewalOffer } from './renewal-offer.entity';

/**
 * The `renewal_offers` and `renewal_attempts` tables (seed 003): the only code that writes them. Every
 * renewal path locks a token before its offers, never the other way round.
 */
@Injectable()
export class RenewalOffersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  lock(tx: Tx, offerId: string): Promise<RenewalOffer | null> {
    return managerOf(tx, this.dataSource).findOne(RenewalOffer, {
      where: { id: offerId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  find(tx: Tx, offerId: string): Promise<RenewalOffer | null> {
    return managerOf(tx, this.dataSource).findOneBy(RenewalOffer, { id: offerId });
  }

  findByDue(tx: Tx, tokenId: string, dueAt: Date): Promise<RenewalOffer | null> {
    return managerOf(tx, this.dataSource).findOneBy(RenewalOffer, { tokenId, dueAt });
  }

  async insert(tx: Tx, offer: RenewalOffer): Promise<void> {
    await managerOf(tx, this.dataSource).insert(RenewalOffer, { ...offer });
  }

  /** Marks the token's pending offers whose window has ended as expired. */
  async expireLapsed(tx: Tx, tokenId: string, now: Date): Promise<void> {
    await managerOf(tx, this.dataSource).update(
      RenewalOffer,
      { tokenId, status: 'pending', windowEndsAt: LessThanOrEqual(now) },
      { status: 'expired', closedAt: now },
    );
  }

  /** Closes an offer that is still pending and can no longer be redeemed; a closed one stays as it is. */
  async close(tx: Tx, offerId: string, status: 'expired' | 'cancelled', now: Date): Promise<void> {
    await managerOf(tx, this.dataSource).update(
      RenewalOffer,
      { id: offerId, status: 'pending' },
      { status, closedAt: now },
    );
  }

  /** Closes every pending offer of the token: their redeem keys stop working when this commits. */
  async cancelPendingOfToken(tx: Tx, tokenId: string, now: Date): Promise<void> {
    await managerOf(tx, this.dataSource).update(
      RenewalOffer,
      { tokenId, status: 'pending' },
      { status: 'cancelled', closedAt: now },
    );
  }

  /** Closes every pending offer of the tokens `userId` owns in the tenant. */
  async cancelPendingOfOwner(tx: Tx, tenantId: string, userId: string, now: Date): Promise<void> {
    await managerOf(tx, this.dataSource).query(
      `UPDATE renewal_offers SET status = 'cancelled', closed_at = $3
        WHERE status = 'pending'
          AND token_id IN (SELECT id FROM tokens WHERE tenant_id = $1 AND created_by = $2)`,
      [tenantId, userId, now],
    );
  }

  async markRedeemed(tx: Tx, offerId: string, newTokenId: string, now: Date): Promise<void> {
    await managerOf(tx, this.dataSource).update(
      RenewalOffer,
      { id: offerId },
      { status: 'redeemed', redeemedAt: now, newTokenId, closedAt: now },
    );
  }

  /** The token's other offers still pending. */
  otherPending(tx: Tx, tokenId: string, exceptOfferId: string): Promise<RenewalOffer[]> {
    return managerOf(tx, this.dataSource).findBy(RenewalOffer, {
      tokenId,
      status: 'pending',
      id: Not(exceptOfferId),
    });
  }

  /** The token's offers, newest first, each with its attempts in order. */
  /**
   * The token's offers and their attempts as of one moment: both reads share a snapshot (REPEATABLE READ),
   * so an attempt recorded as delivered never shows beside its offer still undelivered.
   */
  history(tokenId: string): Promise<{ offers: RenewalOffer[]; attempts: RenewalAttempt[] }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const offers = await manager.find(RenewalOffer, {
        where: { tokenId },
        order: { createdAt: 'DESC', id: 'ASC' },
      });
      const attempts =
        offers.length === 0
          ? []
          : await manager.find(RenewalAttempt, {
              where: { offerId: In(offers.map((o) => o.id)) },
              order: { number: 'ASC' },
            });
      return { offers, attempts };
    });
  }

  findAttemptByKeyHash(tx: Tx, keyHash: string): Promise<RenewalAttempt | null> {
    return managerOf(tx, this.dataSource).findOneBy(RenewalAttempt, { keyHash });
  }

  findAttempt(tx: Tx, attemptId: string): Promise<RenewalAttempt | null> {
    return managerOf(tx, this.dataSource).findOneBy(RenewalAttempt, { id: attemptId });
  }

  /** The number after the offer's last attempt; the caller holds the offer's lock. */
  async nextAttemptNumber(tx: Tx, offerId: string): Promise<number> {
    const last = await managerOf(tx, this.dataSource).maximum(RenewalAttempt, 'number', { offerId });
    return (last ?? 0) + 1;
  }

  async insertAttempt(tx: Tx, attempt: RenewalAttempt): Promise<void> {
    await managerOf(tx, this.dataSource).insert(RenewalAttempt, { ...attempt });
  }

  /** Records what happened to an attempt (reporting again overwrites); a delivery marks its offer. */
  async recordAttempt(
    tx: Tx,
    attempt: RenewalAttempt,
    report: CallbackAttemptReport,
    now: Date,
  ): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    await manager.update(
      RenewalAttempt,
      { id: attempt.id },
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
  }
}
