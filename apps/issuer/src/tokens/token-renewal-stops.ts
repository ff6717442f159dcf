import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transaction';

/** Why a token stops renewing: the renewal feature closes what it had open for it. */
export type RenewalStop = (tx: Tx, tokenId: string, now: Date) => Promise<void>;

/**
 * What must happen, in the same transaction, when a token stops renewing: it was revoked, replaced, or
 * its auto-renewal was switched off. The renewals feature registers "cancel the token's pending offers"
 * here (a key handed out earlier stops working when the change commits), so tokens never depend on it.
 */
@Injectable()
export class TokenRenewalStops {
  private readonly stops: RenewalStop[] = [];

  register(stop: RenewalStop): void {
    this.stops.push(stop);
  }

  async apply(tx: Tx, tokenId: string, now: Date): Promise<void> {
    for (const stop of this.stops) await stop(tx, tokenId, now);
  }
}
