import { Inject, Injectable, Optional } from '@nestjs/common';
import { type CachedTokenState, type TokenStateColumns, toCachedTokenState } from '@latchkey/contracts';
import type { Pool } from 'pg';
import { PG_POOL } from '../infrastructure/postgres';
import { VerifierMetrics } from '../metrics/verifier-metrics';

/** The source of truth for token records: the issuer-owned `tokens` table, read-only here. */
export interface TokenStore {
  /** The token's current state; `{ found: false }` when no token has this hash. Rejects when unreachable. */
  findByHash(tokenHash: string): Promise<CachedTokenState>;
}

export const TOKEN_STORE = Symbol('TOKEN_STORE');

/** The token's columns under the names `toCachedTokenState` reads. */
const FIND_BY_HASH = `SELECT id, tenant_id AS "tenantId", created_by AS "createdBy", status,
  expires_at AS "expiresAt", scopes, resources FROM tokens WHERE token_hash = $1`;

@Injectable()
export class PostgresTokenStore implements TokenStore {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Optional() private readonly metrics?: VerifierMetrics,
  ) {}

  async findByHash(tokenHash: string): Promise<CachedTokenState> {
    let rows: TokenStateColumns[];
    try {
      ({ rows } = await this.pool.query<TokenStateColumns>(FIND_BY_HASH, [tokenHash]));
    } catch (error) {
      this.metrics?.postgresFailed();
      throw error;
    }
    const row = rows[0];
    this.metrics?.postgresLookup(row !== undefined);
    return row === undefined ? { found: false } : toCachedTokenState(row);
  }
}
