import type { z } from 'zod';
import { env } from './config';

/*
 * Postgres connections that can never wait for ever. Every pool a service opens is bounded four ways:
 * getting a connection from the pool, one statement, waiting for a row lock, and a transaction left idle
 * while it holds locks. When one of them fires the caller gets a clear 503 (see `transientDatabaseFailure`),
 * the lock is released, and the connection goes back to the pool or is replaced.
 */

/** The settings every service's config schema includes (same names in every service). */
export function databaseSettings(defaults: {
  poolSize: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}) {
  return {
    DATABASE_POOL_SIZE: env.positiveInt(defaults.poolSize, 'connections in the service’s Postgres pool'),
    DATABASE_CONNECT_TIMEOUT_MS: env.durationMs(
      defaults.connectTimeoutMs ?? 3_000,
      'longest wait for a free pooled connection (or a new one) before the request answers 503',
    ),
    DATABASE_STATEMENT_TIMEOUT_MS: env.durationMs(
      defaults.statementTimeoutMs ?? 10_000,
      'Postgres statement_timeout: the longest one statement may run',
    ),
    DATABASE_LOCK_TIMEOUT_MS: env.durationMs(
      2_000,
      'Postgres lock_timeout: the longest a statement waits for a row or table lock',
    ),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: env.durationMs(
      10_000,
      'Postgres idle_in_transaction_session_timeout: a transaction idle this long is ended and its locks freed',
    ),
  };
}

export type DatabaseSettings = z.infer<z.ZodObject<ReturnType<typeof databaseSettings>>>;

/** node-postgres pool options for `settings` (TypeORM passes them as `extra`). */
export function postgresPoolOptions(
  settings: DatabaseSettings,
  applicationName: string,
  poolSize: number = settings.DATABASE_POOL_SIZE,
) {
  return {
    max: poolSize,
    application_name: applicationName,
    connectionTimeoutMillis: settings.DATABASE_CONNECT_TIMEOUT_MS,
    statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS,
    lock_timeout: settings.DATABASE_LOCK_TIMEOUT_MS,
    idle_in_transaction_session_timeout: settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    // The client gives up on a reply a little after the server would have cancelled the statement.
    query_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS + 2_000,
    idleTimeoutMillis: 30_000,
  };
}

/** SQLSTATEs that mean "busy, try again", not "broken". */
const TRANSIENT_SQLSTATE: Record<string, string> = {
  '55P03': 'a lock could not be obtained in time',
  '57014': 'a statement ran past its time limit',
  '25P03': 'a transaction stayed idle past its time limit',
  '40P01': 'a deadlock was detected',
  '40001': 'a concurrent change conflicted',
  '57P01': 'the database server is restarting',
  '53300': 'the database has no free connections',
};

/** Messages node-postgres and pg-pool give when a connection or a reply does not come in time. */
const TRANSIENT_MESSAGES: readonly [RegExp, string][] = [
  [/timeout exceeded when trying to connect/i, 'no database connection was free in time'],
  [/Query read timeout/i, 'the database did not answer in time'],
  [/Connection terminated/i, 'the database connection was lost'],
  [/ECONNREFUSED|ECONNRESET/, 'the database could not be reached'],
];

/**
 * Why `error` is a passing database condition (a timeout, lock wait, deadlock or lost connection), or
 * null when it is something else. Understands TypeORM's QueryFailedError (`driverError`) and raw pg errors.
 */
export function transientDatabaseFailure(error: unknown): string | null {
  for (const candidate of [error, (error as { driverError?: unknown } | null)?.driverError]) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const code = (candidate as { code?: unknown }).code;
    if (typeof code === 'string' && code in TRANSIENT_SQLSTATE) return TRANSIENT_SQLSTATE[code];
    const message = (candidate as { message?: unknown }).message;
    if (typeof message === 'string') {
      const known = TRANSIENT_MESSAGES.find(([pattern]) => pattern.test(message));
      if (known) return known[1];
    }
  }
  return null;
}
