import { Inject, Injectable } from '@nestjs/common';
import type { CachedTokenState } from '@latchkey/contracts';
import type { Pool } from 'pg';
import { PG_POOL } from '../infrastructure/postgres';

/** The source of truth for token records: the issuer-owned `tokens` table, read-only here. */
export interface TokenStore {
  /** The token's current state; `{ found: false }` when no token has this hash. Rejects when unreachable. */
  findByHash(tokenHash: string): Promise<CachedTokenState>;
}

export const TOKEN_STORE = Symbol('TOKEN_STORE');

interface TokenRow {
  id: string;
  tenant_id: string;
  created_by: string;
  status: string;
  expires_at: Date | string | null;
  scopes: string[];
  resources: string[];
}

const FIND_BY_HASH =
  'SELECT id, tenant_id, created_by, status, expires_at, scopes, resources FROM tokens WHERE token_hash = $1';

@Injectable()
export class PostgresTokenStore implements TokenStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async findByHash(tokenHash: string): Promise<CachedTokenState> {
    const { rows } = await this.pool.query<TokenRow>(FIND_BY_HASH, [tokenHash]);
    const row = rows[0];
    return row === undefined ? { found: false } : toTokenState(row);
  }
}

export function toTokenState(row: TokenRow): CachedTokenState {
  return {
    found: true,
    tokenId: String(row.id),
    tenantId: String(row.tenant_id),
    ownerId: String(row.created_by),
    revoked: row.status === 'revoked',
    // toISOString throws on an invalid date: the lookup fails rather than answering from a bad record.
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
    scopes: row.scopes,
    resources: row.resources,
  };
}
