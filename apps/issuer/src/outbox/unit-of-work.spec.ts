import type { TransactionRunner, Tx } from '../database/transaction';
import { VerifierCacheUnreachableError, type VerifierCacheWriter } from '../infrastructure/verifier-cache';
import type { OutboxRelay } from './outbox-relay.service';
import type { OutboxRepository } from './outbox.repository';
import { UnitOfWork, type UnitOfWorkTx } from './unit-of-work';

/** Transactions that commit when the work resolves and count what happened. */
class FakeRunner {
  committed = 0;
  rolledBack = 0;
  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      const value = await work({} as Tx);
      this.committed += 1;
      return value;
    } catch (error) {
      this.rolledBack += 1;
      throw error;
    }
  }
}

describe('UnitOfWork', () => {
  const setUp = () => {
    const runner = new FakeRunner();
    const steps: string[] = [];
    const cache = {
      outlastLeases: jest.fn(() => {
        steps.push(`outlast after ${runner.committed} commit(s)`);
        return Promise.resolve();
      }),
    };
    const unit = new UnitOfWork(
      runner as unknown as TransactionRunner,
      { append: () => Promise.resolve() } as unknown as OutboxRepository,
      { nudge: () => undefined } as unknown as OutboxRelay,
      cache as unknown as VerifierCacheWriter,
    );
    return { runner, steps, cache, unit };
  };

  it('runs a change once, in normal mode, when the verifiers’ cache is reachable', async () => {
    const { runner, unit, cache } = setUp();
    const modes: boolean[] = [];
    await unit.run((tx) => {
      modes.push(tx.cacheUnreachable);
      tx.beforeCommit(() => Promise.resolve());
      return Promise.resolve('done');
    });
    expect(modes).toEqual([false]);
    expect(runner.committed).toBe(1);
    expect(cache.outlastLeases).not.toHaveBeenCalled();
  });

  it('undoes a change whose cache step finds Redis unreachable, runs it again in outage mode, and returns one lease after its commit', async () => {
    const { runner, unit, steps } = setUp();
    const modes: boolean[] = [];
    const result = await unit.run((tx: UnitOfWorkTx) => {
      modes.push(tx.cacheUnreachable);
      tx.beforeCommit(() =>
        tx.cacheUnreachable
          ? Promise.resolve()
          : Promise.reject(new VerifierCacheUnreachableError(new Error('Command timed out'))),
      );
      return Promise.resolve('revoked');
    });
    expect(result).toBe('revoked');
    expect(modes).toEqual([false, true]);
    expect(runner.rolledBack).toBe(1);
    expect(runner.committed).toBe(1);
    expect(steps).toEqual(['outlast after 1 commit(s)']);
  });

  it('passes every other failure on, without a second attempt', async () => {
    const { runner, unit, cache } = setUp();
    await expect(unit.run(() => Promise.reject(new Error('constraint violated')))).rejects.toThrow(
      'constraint violated',
    );
    expect(runner.rolledBack).toBe(1);
    expect(cache.outlastLeases).not.toHaveBeenCalled();
  });
});
