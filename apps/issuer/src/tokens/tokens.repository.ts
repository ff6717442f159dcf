import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, FindOptionsWhere } from 'typeorm';
import { fetchPage } from '../database/pagination';
import { managerOf, type Tx } from '../database/transaction';
import type { ListTokensQuery } from './dto/list-tokens.query';
import { ownerActiveSql, Token } from './token.entity';
import { DAY_MS } from './token-rules';

/** Which tokens a caller may see: a tenant's, or only those one person created. */
export interface TokenScope {
  tenantId: string;
  createdBy?: string;
}

export type TokenChanges = Partial<
  Pick<
    Token,
    | 'description'
    | 'status'
    | 'revokedAt'
    | 'revokedBy'
    | 'expiresAt'
    | 'replacedByTokenId'
    | 'renewalEveryDays'
    | 'renewalCallbackUrl'
    | 'renewalMailRecipient'
    | 'renewalNextAt'
    | 'technicalOwnerEmail'
    | 'technicalOwnerName'
  >
>;

/** The `tokens` table: the only code that reads or writes it (the verifier reads it on its own). */
@Injectable()
export class TokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findVisible(scope: TokenScope, id: string): Promise<Token | null> {
    return this.dataSource.getRepository(Token).findOneBy({ ...where(scope), id });
  }

  findById(id: string, tx?: Tx): Promise<Token | null> {
    return managerOf(tx, this.dataSource).findOneBy(Token, { id });
  }

  /** The token, locked (SELECT … FOR UPDATE) until the transaction ends; null if not in scope. */
  lockVisible(tx: Tx, scope: TokenScope, id: string): Promise<Token | null> {
    return managerOf(tx, this.dataSource).findOne(Token, {
      where: { ...where(scope), id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** The tokens among `ids` in scope, as they are now (no lock). */
  findVisibleMany(tx: Tx, scope: TokenScope, ids: string[]): Promise<Token[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return managerOf(tx, this.dataSource)
      .createQueryBuilder(Token, 'token')
      .where(where(scope))
      .andWhere('token.id IN (:...ids)', { ids })
      .getMany();
  }

  /**
   * The tokens among `ids` in scope, locked in id order (one statement, so concurrent callers over
   * overlapping sets take their locks in the same order and never deadlock).
   */
  lockVisibleMany(tx: Tx, scope: TokenScope, ids: string[]): Promise<Token[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return managerOf(tx, this.dataSource)
      .createQueryBuilder(Token, 'token')
      .where(where(scope))
      .andWhere('token.id IN (:...ids)', { ids })
      .orderBy('token.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * The live (active, unexpired) tokens `creator` holds in scope, locked in id order; a row revoked by a
   * concurrent transaction meanwhile is re-checked once its lock is free, and left out.
   */
  lockLiveOf(tx: Tx, scope: TokenScope, creator: string, now: Date): Promise<Token[]> {
    return managerOf(tx, this.dataSource)
      .createQueryBuilder(Token, 'token')
      .where(where(scope))
      .andWhere('token.createdBy = :creator', { creator })
      .andWhere(`token.status = 'active' AND (token.expiresAt IS NULL OR token.expiresAt > :now)`, { now })
      .orderBy('token.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  lockById(tx: Tx, id: string): Promise<Token | null> {
    return managerOf(tx, this.dataSource).findOne(Token, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * The token with this SHA-256 hash in any tenant, locked until the transaction ends; null if none. For
   * the callers that hold a token rather than a tenant (a leak report, its holder): one unique-index
   * lookup, whose cost does not depend on whose token it is.
   */
  lockByHash(tx: Tx, tokenHash: string): Promise<Token | null> {
    return managerOf(tx, this.dataSource).findOne(Token, {
      where: { tokenHash },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** One page of the tokens in scope, filtered and sorted as asked, and how many match in all. */
  async page(
    scope: TokenScope,
    query: ListTokensQuery,
    now: Date,
  ): Promise<{ tokens: Token[]; total: number }> {
    const builder = this.dataSource.getRepository(Token).createQueryBuilder('token').where(where(scope));
    if (query.name) {
      builder.andWhere(`token.name ILIKE :name ESCAPE '\\'`, { name: `%${escapeLike(query.name)}%` });
    }
    if (query.purpose) {
      builder.andWhere('token.purpose = :purpose', { purpose: query.purpose });
    }
    if (query.createdBy !== undefined) {
      builder.andWhere('token.createdBy = :creator', { creator: query.createdBy });
    }
    if (query.unusedForDays !== undefined) {
      // No use since the cut-off; a never-used token counts from its creation (one younger is not stale).
      const cutoff = new Date(now.getTime() - query.unusedForDays * DAY_MS);
      builder.andWhere('COALESCE(token.lastUsedAt, token.createdAt) < :cutoff', { cutoff });
    }
    // The statuses as toTokenView shows them: revoked, then expired, then a removed owner's (the same
    // subquery as Token.ownerActive, on the members' primary key).
    const live = `token.status = 'active' AND (token.expiresAt IS NULL OR token.expiresAt > :now)`;
    switch (query.status) {
      case undefined:
        break;
      case 'revoked':
        builder.andWhere(`token.status = 'revoked'`);
        break;
      case 'expired':
        builder.andWhere(`token.status = 'active' AND token.expiresAt <= :now`, { now });
        break;
      case 'active':
        builder.andWhere(`${live} AND (${ownerActiveSql('token')})`, { now });
        break;
      case 'owner_inactive':
        builder.andWhere(`${live} AND NOT (${ownerActiveSql('token')})`, { now });
        break;
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    if (query.sort === 'lastUsedAt') {
      // Never used is the least recently used: first ascending (stalest first), last descending.
      builder.orderBy('token.lastUsedAt', direction, direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST');
    } else {
      builder.orderBy(query.sort === 'name' ? 'LOWER(token.name)' : 'token.createdAt', direction);
    }
    builder.addOrderBy('token.id', 'ASC');
    const { rows, total } = await fetchPage(builder, 'token', query.page, query.pageSize);
    return { tokens: rows, total };
  }

  async insert(tx: Tx, token: Token): Promise<void> {
    // A copy: insert() writes the database defaults it reads back (raw) into the object it is given.
    await managerOf(tx, this.dataSource).insert(Token, { ...token });
  }

  async update(tx: Tx, id: string, changes: TokenChanges): Promise<void> {
    await managerOf(tx, this.dataSource).update(Token, { id }, changes);
  }

  /**
   * The tenant's live (active, unexpired) tokens, counted under a per-tenant lock held until the
   * transaction ends: concurrent creations in one tenant then count and insert one after the other.
   */
  async lockTenantAndCountLive(tx: Tx, tenantId: string, now: Date): Promise<number> {
    const manager = managerOf(tx, this.dataSource);
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tokens:${tenantId}`]);
    const [{ live }] = await manager.query<[{ live: number }]>(
      `SELECT count(*)::int AS live FROM tokens
        WHERE tenant_id = $1 AND status = 'active' AND (expires_at IS NULL OR expires_at > $2)`,
      [tenantId, now],
    );
    return live;
  }

  /**
   * Adds verified uses to a token of the tenant (`lastUsedAt` only moves forward); false when the tenant
   * has no such token.
   */
  async recordUsage(
    tx: Tx,
    usage: { tokenId: string; tenantId: string; count: number; lastUsedAt: string },
  ): Promise<boolean> {
    const [, updated] = await managerOf(tx, this.dataSource).query<[unknown, number]>(
      `UPDATE tokens
          SET usage_count = usage_count + $1,
              last_used_at = GREATEST(COALESCE(last_used_at, $2::timestamptz), $2::timestamptz)
        WHERE id = $3 AND tenant_id = $4`,
      [usage.count, usage.lastUsedAt, usage.tokenId, usage.tenantId],
    );
    return updated > 0;
  }

  /** Clears the renewal schedule of every token `userId` owns in the tenant (a removed member's). */
  async clearScheduleOfOwner(tx: Tx, tenantId: string, userId: string): Promise<void> {
    await managerOf(tx, this.dataSource).query(
      `UPDATE tokens SET renewal_next_at = NULL
        WHERE tenant_id = $1 AND created_by = $2 AND renewal_next_at IS NOT NULL`,
      [tenantId, userId],
    );
  }
}

function where(scope: TokenScope): FindOptionsWhere<Token> {
  return scope.createdBy === undefined
    ? { tenantId: scope.tenantId }
    : { tenantId: scope.tenantId, createdBy: scope.createdBy };
}

/** Makes a user-typed filter match literally in LIKE (no wildcards of its own). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
