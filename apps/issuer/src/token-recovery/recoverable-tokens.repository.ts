import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';
import { RecoverableToken } from './recoverable-token.entity';

/** The `recoverable_tokens` table: the only code that reads or writes it. Holds ciphertexts only. */
@Injectable()
export class RecoverableTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Whether the tenant keeps recoverable tokens, read FOR SHARE: a policy change (which locks the row
   * FOR UPDATE) waits for the issue under way, or the issue for it. Plain SQL: the tenants feature
   * imports this one, so this one cannot import the tenants feature back.
   */
  async tenantKeepsTokens(tx: Tx, tenantId: string): Promise<boolean> {
    const rows: Array<{ recoverable_tokens: boolean }> = await managerOf(tx, this.dataSource).query(
      'SELECT recoverable_tokens FROM tenants WHERE id = $1 FOR SHARE',
      [tenantId],
    );
    return rows[0]?.recoverable_tokens === true;
  }

  async insert(tx: Tx, row: Omit<RecoverableToken, 'token'>): Promise<void> {
    await managerOf(tx, this.dataSource).insert(RecoverableToken, row);
  }

  find(tokenId: string, tx?: Tx): Promise<RecoverableToken | null> {
    return managerOf(tx, this.dataSource).findOneBy(RecoverableToken, { tokenId });
  }

  /** Deletes every copy of the tenant's tokens; returns how many. */
  async deleteTenant(tx: Tx, tenantId: string): Promise<number> {
    const result = await managerOf(tx, this.dataSource).delete(RecoverableToken, { tenantId });
    return result.affected ?? 0;
  }
}
