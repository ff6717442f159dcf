import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';

/** Any constant works; it names the cache epoch's advisory lock among the issuer's. */
const EPOCH_LOCK = 7_104_211;

/**
 * The cache epoch row (`cache_epoch`). Writers of cache entries hold it shared until they commit, and a
 * bump holds it exclusively: a bump never commits between a writer's choice of keys and its commit, so a
 * verifier that has switched to the new epoch reads every earlier writer's change from Postgres.
 */
@Injectable()
export class CacheEpochs {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The current epoch, locked shared; and whether it was bumped within the last `windowMs`. */
  async readShared(tx: Tx, windowMs: number): Promise<{ epoch: number; bumpedWithinMs: boolean }> {
    const manager = managerOf(tx, this.dataSource);
    // Two statements on purpose: under READ COMMITTED a statement reads the snapshot taken when it began,
    // so the row must be read by a statement that starts after the lock is held (after any bump commits).
    await manager.query('SELECT pg_advisory_xact_lock_shared($1)', [EPOCH_LOCK]);
    const rows = await manager.query<{ epoch: number; recent: boolean }[]>(
      `SELECT epoch::int AS epoch, bumped_at > now() - make_interval(secs => $1::float8 / 1000) AS recent
         FROM cache_epoch WHERE id = 1`,
      [windowMs],
    );
    if (!rows[0]) throw new Error('cache_epoch has no row: run the migrations');
    return { epoch: rows[0].epoch, bumpedWithinMs: rows[0].recent };
  }

  /** Moves to the next epoch in this transaction (exclusive lock until commit); returns it. */
  async bump(tx: Tx): Promise<number> {
    const manager = managerOf(tx, this.dataSource);
    await manager.query('SELECT pg_advisory_xact_lock($1)', [EPOCH_LOCK]);
    // An UPDATE answers [rows, count] through TypeORM's query().
    const rows = await manager.query<[{ epoch: number }[], number]>(
      'UPDATE cache_epoch SET epoch = epoch + 1, bumped_at = now() WHERE id = 1 RETURNING epoch::int AS epoch',
    );
    return rows[0][0].epoch;
  }
}
