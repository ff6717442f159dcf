import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface PendingOffer {
  id: string;
  dueAt: string;
  windowEndsAt: string;
}

/**
 * Reads `renewal_offers` for the revoke-impact preview: the token's offers still open, which a
 * revocation cancels (renewals registers that with TokenRenewalStops). Read-only; renewals owns the table.
 */
@Injectable()
export class PendingOffersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ofToken(tokenId: string, now: Date): Promise<PendingOffer[]> {
    const rows = await this.dataSource.query<{ id: string; due_at: Date; window_ends_at: Date }[]>(
      `SELECT id, due_at, window_ends_at FROM renewal_offers
        WHERE token_id = $1 AND status = 'pending' AND window_ends_at > $2 ORDER BY due_at`,
      [tokenId, now],
    );
    return rows.map((row) => ({
      id: row.id,
      dueAt: row.due_at.toISOString(),
      windowEndsAt: row.window_ends_at.toISOString(),
    }));
  }
}
