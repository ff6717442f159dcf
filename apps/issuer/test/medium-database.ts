import { DataSource } from 'typeorm';
import { type DatabaseSettings, postgresPoolOptions } from '@latchkey/service-runtime';
import { dataSourceOptions } from '../src/database/data-source';
import { type Tx, txFor } from '../src/database/transaction';

/** Short bounds, so a test that deadlocks fails in seconds instead of hanging. */
const SETTINGS: DatabaseSettings = {
  DATABASE_POOL_SIZE: 5,
  DATABASE_CONNECT_TIMEOUT_MS: 3_000,
  DATABASE_STATEMENT_TIMEOUT_MS: 5_000,
  DATABASE_LOCK_TIMEOUT_MS: 1_000,
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: 5_000,
};

/** The run's migrated database (see medium-setup.ts), opened as the issuer opens it. */
export async function openDatabase(): Promise<DataSource> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the medium project through its global setup');
  const options = dataSourceOptions(url, SETTINGS);
  const dataSource = new DataSource({
    ...options,
    extra: postgresPoolOptions(SETTINGS, 'latchkey-medium-test'),
  });
  return dataSource.initialize();
}

/** Runs `work` in a transaction of `dataSource`, as TransactionRunner does. */
export function inTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return dataSource.transaction((manager) => work(txFor(manager)));
}
