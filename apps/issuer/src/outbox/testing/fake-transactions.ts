/*
 * Transactions for unit specs over in-memory repositories: rows live in arrays that a failed run rolls
 * back. Locks are not modelled; the end-to-end suite covers concurrency on a real database. No Jest here,
 * so this file also compiles where the app is built.
 */
import type { EventType } from '@latchkey/contracts';
import type { TransactionRunner, Tx } from '../../database/transaction';
import type { EventFields, UnitOfWork, UnitOfWorkTx } from '../unit-of-work';

/** An event a committed transaction announced. */
export interface EmittedEvent {
  type: EventType;
  fields: EventFields<EventType>;
}

/** What the fake hands out as a transaction: distinct per run, so a spec can tell which one was used. */
interface FakeTx {
  readonly serial: number;
  emit: UnitOfWorkTx['emit'];
  beforeCommit: UnitOfWorkTx['beforeCommit'];
}

/**
 * Transactions over the fakes' rows, as both the TransactionRunner and the UnitOfWork: a run commits
 * when its work resolves (after its beforeCommit steps) and restores every row when it throws. Events
 * emitted in a committed run are kept in `emitted`; each committed run that emitted any counts as one
 * nudge of the relay, as the unit of work wakes it after commit.
 */
export class FakeTransactions implements Pick<TransactionRunner, 'run'>, Pick<UnitOfWork, 'run'> {
  /** Every transaction handed out, in order. */
  readonly handedOut: Tx[] = [];
  readonly emitted: EmittedEvent[] = [];
  nudges = 0;
  private readonly tables: object[][] = [];
  private open: Tx | null = null;

  /** A table of rows that transactions roll back. */
  table<R extends object>(): R[] {
    const rows: R[] = [];
    this.tables.push(rows);
    return rows;
  }

  /** The transaction handed out last. */
  get last(): Tx | undefined {
    return this.handedOut.at(-1);
  }

  async run<T>(work: (tx: UnitOfWorkTx) => Promise<T>): Promise<T> {
    if (this.open) throw new Error('A transaction is already open: nested transactions are not modelled.');
    // Rows are copied field by field: the fakes replace a row's fields, never change a value in place.
    const snapshots = this.tables.map((rows) => rows.map((row) => ({ ...row })));
    const events: EmittedEvent[] = [];
    const steps: (() => Promise<void>)[] = [];
    const fake: FakeTx = {
      serial: this.handedOut.length + 1,
      emit: (type, fields) => {
        events.push({ type, fields });
      },
      beforeCommit: (step) => {
        steps.push(step);
      },
    };
    const tx = fake as unknown as UnitOfWorkTx;
    this.handedOut.push(tx);
    this.open = tx;
    let value: T;
    try {
      value = await work(tx);
      for (const step of steps) await step();
    } catch (error) {
      this.tables.forEach((rows, i) => rows.splice(0, rows.length, ...snapshots[i]));
      throw error;
    } finally {
      this.open = null;
    }
    this.emitted.push(...events);
    if (events.length > 0) this.nudges++;
    return value;
  }

  /**
   * Checks how a repository is reached: with the open transaction, or without one when none is open.
   * Reading on another connection while a transaction holds locks could deadlock the pool.
   */
  through(tx: Tx | undefined): void {
    if (tx === undefined && this.open !== null) {
      throw new Error('Reached outside the open transaction, as on a second connection.');
    }
    if (tx !== undefined && tx !== this.open) {
      throw new Error('Reached with a transaction that is not open.');
    }
  }
}
