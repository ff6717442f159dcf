import { databaseSettings, postgresPoolOptions, transientDatabaseFailure } from './database';
import { z } from 'zod';

describe('transientDatabaseFailure', () => {
  it.each([
    ['55P03', 'lock'],
    ['57014', 'time limit'],
    ['25P03', 'idle'],
    ['40P01', 'deadlock'],
  ])('recognises SQLSTATE %s behind a TypeORM QueryFailedError', (code, words) => {
    const error = Object.assign(new Error('query failed'), { driverError: { code, message: 'x' } });
    expect(transientDatabaseFailure(error)).toContain(words);
  });

  it('recognises a raw pg error by its code', () => {
    expect(transientDatabaseFailure({ code: '55P03', message: 'canceling statement' })).not.toBeNull();
  });

  it('recognises pg-pool running out of time for a connection', () => {
    expect(transientDatabaseFailure(new Error('timeout exceeded when trying to connect'))).toBe(
      'no database connection was free in time',
    );
  });

  it('leaves other errors alone: a constraint violation is not "busy"', () => {
    const unique = Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
    expect(transientDatabaseFailure(unique)).toBeNull();
    expect(transientDatabaseFailure(new TypeError('x is undefined'))).toBeNull();
    expect(transientDatabaseFailure(undefined)).toBeNull();
  });
});

describe('postgresPoolOptions', () => {
  it('bounds every wait: pool checkout, statement, lock and idle transaction', () => {
    const settings = z.object(databaseSettings({ poolSize: 7 })).parse({ DATABASE_LOCK_TIMEOUT_MS: '500' });
    expect(postgresPoolOptions(settings, 'latchkey-test')).toEqual({
      max: 7,
      application_name: 'latchkey-test',
      connectionTimeoutMillis: 3_000,
      statement_timeout: 10_000,
      lock_timeout: 500,
      idle_in_transaction_session_timeout: 10_000,
      query_timeout: 12_000,
      idleTimeoutMillis: 30_000,
    });
  });

  it('takes a pool size of its own for a second pool', () => {
    const settings = z.object(databaseSettings({ poolSize: 10 })).parse({});
    expect(postgresPoolOptions(settings, 'latchkey-test', 2).max).toBe(2);
  });
});
