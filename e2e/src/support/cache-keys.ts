import { Client } from 'pg';
import { memberStateKey, tokenStateKey } from '@latchkey/contracts';
import { hashToken } from '@latchkey/token-format';

/** The run's Redis key prefix, as the services get it. */
export const REDIS_PREFIX = process.env.REDIS_KEY_PREFIX ?? 'latchkey:';

/** The cache epoch in the run's database: part of every cache key (a Redis outage revocation bumps it). */
export async function currentCacheEpoch(): Promise<number> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{ epoch: number }>('SELECT epoch::int AS epoch FROM cache_epoch');
    return rows[0].epoch;
  } finally {
    await db.end();
  }
}

/** The Redis key of a plaintext token's cache entry, in the current epoch. */
export async function tokenKeyOf(token: string): Promise<string> {
  return tokenStateKey(REDIS_PREFIX, await currentCacheEpoch(), hashToken(token));
}

/** The Redis key of a member's cache entry, in the current epoch. */
export async function memberKeyOf(tenantId: string, userId: string): Promise<string> {
  return memberStateKey(REDIS_PREFIX, await currentCacheEpoch(), tenantId, userId);
}
