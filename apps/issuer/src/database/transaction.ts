import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { PRIORITY_DATA_SOURCE } from './data-source';

const MANAGER = Symbol('manager');

/**
 * An open transaction, as use cases hold it: opaque. Only repositories reach the connection behind it
 * (`managerOf`), so every read and write inside a transaction goes through that transaction's own
 * connection; taking a second one while holding locks could deadlock the pool.
 */
export interface Tx {
  readonly [MANAGER]: EntityManager;
}

/** A transaction a repository opened itself on `manager` (repositories only). */
export function txFor(manager: EntityManager): Tx {
  return { [MANAGER]: manager };
}

/** The transaction's connection, for repositories; outside a transaction, the data source's. */
export function managerOf(tx: Tx | undefined, dataSource: DataSource): EntityManager {
  return tx ? tx[MANAGER] : dataSource.manager;
}

export interface TransactionOptions {
  /** Run on the small pool reserved for revocations, which no other traffic can exhaust. */
  priority?: boolean;
}

/** Runs work in one Postgres transaction: committed when it resolves, rolled back when it throws. */
@Injectable()
export class TransactionRunner {
  constructor(
    @InjectDataSource() private readonly main: DataSource,
    @InjectDataSource(PRIORITY_DATA_SOURCE) private readonly priority: DataSource,
  ) {}

  run<T>(work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const dataSource = options.priority ? this.priority : this.main;
    return dataSource.transaction((manager) => work(txFor(manager)));
  }
}
