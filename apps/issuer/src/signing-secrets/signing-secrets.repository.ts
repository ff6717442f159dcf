import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In, IsNull } from 'typeorm';
import { managerOf, type Tx, txFor } from '../database/transaction';
import { SigningSecret } from './signing-secret.entity';

/** The `signing_secrets` table: the tenants' callback signing secrets, encrypted at rest. */
@Injectable()
export class SigningSecretsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction holding the tenant's rotation lock: one rotation at a time. */
  withRotationLock<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`signing-secrets:${tenantId}`]);
      return work(txFor(manager));
    });
  }

  /** The tenant's current secrets (not yet rotated), newest first. */
  current(tx: Tx, tenantId: string): Promise<SigningSecret[]> {
    return managerOf(tx, this.dataSource).find(SigningSecret, {
      where: { tenantId, retiresAt: IsNull() },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  async retire(tx: Tx, ids: string[], retiresAt: Date): Promise<void> {
    if (ids.length === 0) return;
    await managerOf(tx, this.dataSource).update(SigningSecret, { id: In(ids) }, { retiresAt });
  }

  async insert(tx: Tx, secret: SigningSecret): Promise<void> {
    await managerOf(tx, this.dataSource).insert(SigningSecret, { ...secret });
  }

  /** The secrets that may sign at `now`: the current one first, then the most recently rotated ones. */
  active(tenantId: string, now: Date, tx?: Tx): Promise<SigningSecret[]> {
    return this.activeQuery(tenantId, now, tx)
      .orderBy('secret.retiresAt IS NULL', 'DESC')
      .addOrderBy('secret.createdAt', 'DESC')
      .addOrderBy('secret.id', 'ASC')
      .getMany();
  }

  hasActive(tenantId: string, now: Date): Promise<boolean> {
    return this.activeQuery(tenantId, now).getExists();
  }

  private activeQuery(tenantId: string, now: Date, tx?: Tx) {
    return managerOf(tx, this.dataSource)
      .getRepository(SigningSecret)
      .createQueryBuilder('secret')
      .where('secret.tenantId = :tenantId', { tenantId })
      .andWhere('(secret.retiresAt IS NULL OR secret.retiresAt > :now)', { now });
  }
}
