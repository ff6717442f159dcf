import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';
import { Token } from '../tokens/token.entity';

/** A token the idle policy has just warned about, with what the warning says. */
export interface IdleWarning {
  tokenId: string;
  tenantId: string;
  ownerId: string;
  technicalOwnerEmail: string | null;
  technicalOwnerName: string | null;
  /** Its last use, or its creation if it was never used. */
  idleSince: Date;
  idleRevokeAfterDays: number;
  idleWarningDays: number;
}

/*
 * The idle policy in SQL, for the token `t` of the tenant `ten` at `$1` (now), with `$2` the length of a
 * day in milliseconds. A token is idle since its last use, or its creation. Its owners are warned once
 * it has been idle for `idleRevokeAfterDays - idleWarningDays` days (the warning point); a warning counts
 * only if given at or after the current warning point, so a use since (which moves the point) makes it
 * void. The revocation comes `idleRevokeAfterDays` days after the last use, and never less than
 * `idleWarningDays` days after the warning (a token found idle late, e.g. when the policy is switched on,
 * still gets its full warning).
 */
const DAYS = (days: string) => `(($2::double precision * ${days}) * interval '1 millisecond')`;
const IDLE_SINCE = `COALESCE(t."last_used_at", t."created_at")`;
const WARNING_POINT = `(${IDLE_SINCE} + ${DAYS(`(ten."idle_revoke_after_days" - ten."idle_warning_days")`)})`;
const REVOKE_AT = (warnedAt: string) =>
  `GREATEST(${IDLE_SINCE} + ${DAYS('ten."idle_revoke_after_days"')}, ${warnedAt} + ${DAYS('ten."idle_warning_days"')})`;
const LIVE = `ten."idle_revoke_after_days" IS NOT NULL AND t."status" = 'active' AND (t."expires_at" IS NULL OR t."expires_at" > $1)`;
/** Due for a warning: past the warning point, not warned since, and not expiring before the revocation. */
const WARNING_DUE = `${LIVE}
  AND $1 >= ${WARNING_POINT}
  AND (t."idle_warned_at" IS NULL OR t."idle_warned_at" < ${WARNING_POINT})
  AND (t."expires_at" IS NULL OR t."expires_at" > ${REVOKE_AT('$1::timestamptz')})`;
/** Due for revocation: warned since the warning point, and the revocation time has come. */
const REVOCATION_DUE = `${LIVE}
  AND t."idle_warned_at" >= ${WARNING_POINT}
  AND $1 >= ${REVOKE_AT('t."idle_warned_at"')}`;

/**
 * The idle policy's queries on `tokens` and `tenants`. Both claim their rows with FOR UPDATE SKIP LOCKED
 * and re-check the condition on the locked row, so sweeps running at once on several instances never
 * warn about or revoke the same token twice.
 */
@Injectable()
export class IdleTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Marks up to `limit` tokens due for a warning as warned at `now`, and returns them. */
  async markWarned(tx: Tx, now: Date, dayMs: number, limit: number): Promise<IdleWarning[]> {
    const rows: Record<string, unknown>[] = await managerOf(tx, this.dataSource).query(
      `UPDATE "tokens" t SET "idle_warned_at" = $1
       FROM "tenants" ten
       WHERE ten."id" = t."tenant_id"
         AND t."id" IN (
           SELECT t."id" FROM "tokens" t JOIN "tenants" ten ON ten."id" = t."tenant_id"
           WHERE ${WARNING_DUE}
           ORDER BY t."id" LIMIT $3
           FOR UPDATE OF t SKIP LOCKED)
         AND ${WARNING_DUE}
       RETURNING t."id", t."tenant_id", t."created_by", t."technical_owner_email",
         t."technical_owner_name", ${IDLE_SINCE} AS "idle_since", ten."idle_revoke_after_days",
         ten."idle_warning_days"`,
      [now, dayMs, limit],
    );
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const returned = (Array.isArray(rows[0]) ? rows[0] : rows) as Record<string, unknown>[];
    return returned.map((row) => ({
      tokenId: String(row.id),
      tenantId: String(row.tenant_id),
      ownerId: String(row.created_by),
      technicalOwnerEmail: (row.technical_owner_email as string | null) ?? null,
      technicalOwnerName: (row.technical_owner_name as string | null) ?? null,
      idleSince: new Date(row.idle_since as string | Date),
      idleRevokeAfterDays: Number(row.idle_revoke_after_days),
      idleWarningDays: Number(row.idle_warning_days),
    }));
  }

  /** Locks up to `limit` tokens due for an idle revocation at `now` and returns them. */
  async lockDueForRevocation(tx: Tx, now: Date, dayMs: number, limit: number): Promise<Token[]> {
    const manager = managerOf(tx, this.dataSource);
    const rows: { id: string }[] = await manager.query(
      `SELECT t."id" FROM "tokens" t JOIN "tenants" ten ON ten."id" = t."tenant_id"
       WHERE ${REVOCATION_DUE}
       ORDER BY t."id" LIMIT $3
       FOR UPDATE OF t SKIP LOCKED`,
      [now, dayMs, limit],
    );
    if (rows.length === 0) return [];
    return manager.find(Token, { where: { id: In(rows.map((row) => row.id)) }, order: { id: 'ASC' } });
  }
}
