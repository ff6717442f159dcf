import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { TokenVerificationsCountedEvent } from '@latchkey/contracts';
import { managerOf, type Tx } from '../database/transaction';

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** One bucket of a series: verdicts by reason. */
export interface CountRow {
  bucket: Date;
  reason: string;
  count: number;
}

/** Verdicts by caller (`null`: callers that gave no name; `(other)`: past the verifier's bound). */
export interface CallerRow {
  caller: string | null;
  count: number;
  lastSeen: Date;
}

/** Whose verdicts a query counts: one token, or the tokens of a tenant (of one owner, when set). */
export type CountScope = { tokenId: string } | { tenantId: string; createdBy?: string };

/**
 * The `token_verifications_{minute,hour,day}` tables (migration 1763900002300). A summary is added to all
 * three at once, so each is exact by itself and a late summary lands in every granularity.
 */
@Injectable()
export class VerificationCountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds a summary's cells to every granularity; cells of one bucket are summed before the upsert. */
  async add(tx: Tx, event: TokenVerificationsCountedEvent): Promise<void> {
    const { counts, tokenId } = event.data;
    const params = [
      tokenId,
      event.tenantId,
      counts.map((c) => c.minute),
      counts.map((c) => c.reason),
      counts.map((c) => c.caller ?? ''),
      counts.map((c) => c.count),
    ];
    const manager = managerOf(tx, this.dataSource);
    for (const granularity of GRANULARITIES) {
      await manager.query(
        `INSERT INTO token_verifications_${granularity} AS t
           (token_id, tenant_id, bucket, reason, caller, count)
         SELECT $1, $2, date_trunc('${granularity}', c.minute, 'UTC'), c.reason, c.caller, sum(c.count)
           FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::bigint[]) AS c(minute, reason, caller, count)
          GROUP BY 3, 4, 5
         ON CONFLICT (token_id, bucket, reason, caller) DO UPDATE SET count = t.count + EXCLUDED.count`,
        params,
      );
    }
  }

  /** Verdicts per bucket and reason in [from, to), oldest first. */
  async series(scope: CountScope, granularity: Granularity, from: Date, to: Date): Promise<CountRow[]> {
    const [where, params] = scopeSql(scope, [from, to]);
    const rows = await this.dataSource.query<{ bucket: Date; reason: string; count: string }[]>(
      `SELECT bucket, reason, sum(count)::text AS count FROM token_verifications_${granularity}
        WHERE ${where} AND bucket >= $1 AND bucket < $2
        GROUP BY bucket, reason ORDER BY bucket, reason`,
      params,
    );
    return rows.map((row) => ({ bucket: row.bucket, reason: row.reason, count: Number(row.count) }));
  }

  /** Verdicts per caller in the UTC days of [from, to), most first. */
  async callers(scope: CountScope, from: Date, to: Date, limit: number): Promise<CallerRow[]> {
    const [where, params] = scopeSql(scope, [from, to, limit]);
    const rows = await this.dataSource.query<{ caller: string; count: string; last_seen: Date }[]>(
      `SELECT caller, sum(count)::text AS count, max(bucket) AS last_seen FROM token_verifications_day
        WHERE ${where} AND bucket >= date_trunc('day', $1::timestamptz, 'UTC') AND bucket < $2
        GROUP BY caller ORDER BY sum(count) DESC, caller LIMIT $3`,
      params,
    );
    return rows.map((row) => ({
      caller: row.caller === '' ? null : row.caller,
      count: Number(row.count),
      lastSeen: row.last_seen,
    }));
  }

  /** Verdicts per token in [from, to) for the tenant view, most first. */
  async topTokens(
    scope: Extract<CountScope, { tenantId: string }>,
    from: Date,
    to: Date,
    limit: number,
  ): Promise<{ tokenId: string; name: string; ok: number; refused: number }[]> {
    const [where, params] = scopeSql(scope, [from, to, limit]);
    const rows = await this.dataSource.query<
      { token_id: string; name: string; ok: string | null; refused: string }[]
    >(
      `SELECT c.token_id, t.name, c.ok, c.refused FROM (
         SELECT token_id, sum(count) AS total, sum(count) FILTER (WHERE reason = 'OK')::text AS ok,
                COALESCE(sum(count) FILTER (WHERE reason <> 'OK'), 0)::text AS refused
           FROM token_verifications_hour
          WHERE ${where} AND bucket >= $1 AND bucket < $2
          GROUP BY token_id ORDER BY sum(count) DESC, token_id LIMIT $3) c
       JOIN tokens t ON t.id = c.token_id ORDER BY c.total DESC, c.token_id`,
      params,
    );
    return rows.map((row) => ({
      tokenId: row.token_id,
      name: row.name,
      ok: Number(row.ok ?? 0),
      refused: Number(row.refused),
    }));
  }

  /**
   * Deletes up to `batch` rows of the granularity older than `before`; how many it deleted. Safe beside
   * another instance doing the same: a row is deleted once, whoever gets it.
   */
  async prune(granularity: Granularity, before: Date, batch: number): Promise<number> {
    const [, deleted] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM token_verifications_${granularity} WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM token_verifications_${granularity} WHERE bucket < $1 LIMIT $2
           FOR UPDATE SKIP LOCKED))`,
      [before, batch],
    );
    return deleted;
  }
}

/** The WHERE clause of a scope; its parameters follow `leading` (which take $1…). */
function scopeSql(scope: CountScope, leading: unknown[]): [string, unknown[]] {
  const at = leading.length;
  const from = `token_id IN (SELECT id FROM tokens WHERE`;
  if ('tokenId' in scope) return [`token_id = $${at + 1}`, [...leading, scope.tokenId]];
  if (scope.createdBy === undefined) return [`tenant_id = $${at + 1}`, [...leading, scope.tenantId]];
  return [
    `tenant_id = $${at + 1} AND ${from} tenant_id = $${at + 1} AND created_by = $${at + 2})`,
    [...leading, scope.tenantId, scope.createdBy],
  ];
}
