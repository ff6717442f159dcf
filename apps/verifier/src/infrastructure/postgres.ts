import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type DatabaseSettings, postgresPoolOptions, type ReadinessCheck } from '@latchkey/service-runtime';
import { Pool } from 'pg';

export const PG_POOL = Symbol('PG_POOL');

/**
 * A small pool for read-only lookups. Sessions default to read-only transactions: the issuer owns the
 * tokens table and the verifier must never write it, even by mistake.
 */
export function createPostgresPool(
  connectionString: string,
  applicationName: string,
  settings: DatabaseSettings,
): Pool {
  const logger = new Logger('Postgres');
  const pool = new Pool({
    connectionString,
    ...postgresPoolOptions(settings, applicationName),
    options: '-c default_transaction_read_only=on',
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error: Error) => logger.warn(`idle client error: ${error.message}`));
  return pool;
}

export function postgresReadiness(pool: Pool): ReadinessCheck {
  return {
    name: 'postgres',
    check: async () => {
      await pool.query('SELECT 1');
    },
  };
}

/** Ends the pool after everything that queries it has shut down. */
@Injectable()
export class PostgresLifecycle implements OnApplicationShutdown {
  private ended = false;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}
