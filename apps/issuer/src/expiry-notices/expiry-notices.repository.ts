import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';
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
}
