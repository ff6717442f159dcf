import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull, MoreThan } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';
import { Token } from '../tokens/token.entity';
import { TokenExpiryNotice } from './token-expiry-notice.entity';

/** The `token_expiry_notices` table: one row per notice given. */
@Injectable()
export class ExpiryNoticesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the notice unless it was given before; true when this call recorded it. */
  async recordOnce(tx: Tx, notice: TokenExpiryNotice): Promise<boolean> {
    const result = await managerOf(tx, this.dataSource)
      .createQueryBuilder()
      .insert()
      .into(TokenExpiryNotice)
      .values(notice)
      .orIgnore()
      .returning(['tokenId'])
      .execute();
    return result.raw instanceof Array && result.raw.length === 1;
  }

  /**
   * Up to `limit` ids, in id order after `after`, of the tenant's tokens that get expiry reminders now:
   * active, expiring after `now`, without auto-renewal.
   */
  async remindedTokenIds(
    tenantId: string,
    after: string | null,
    limit: number,
    now: Date,
  ): Promise<string[]> {
    const rows = await this.dataSource.manager.find(Token, {
      select: { id: true },
      where: {
        tenantId,
        status: 'active',
        renewalEveryDays: IsNull(),
        expiresAt: MoreThan(now),
        ...(after === null ? {} : { id: MoreThan(after) }),
      },
      order: { id: 'ASC' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }
}
