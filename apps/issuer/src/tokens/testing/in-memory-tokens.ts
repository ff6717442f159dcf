/*
 * The `tokens` table in memory, for unit specs of the token use cases and of the features that use them.
 * No Jest here, so this file also compiles where the app is built.
 */
import type { Tx } from '../../database/transaction';
import type { FakeTransactions } from '../../outbox/testing/fake-transactions';
import type { Token } from '../token.entity';
import type { TokenChanges, TokenScope, TokensRepository } from '../tokens.repository';

type TokenMethods =
  | 'findVisible'
  | 'lockVisible'
  | 'findVisibleMany'
  | 'lockVisibleMany'
  | 'lockLiveOf'
  | 'findById'
  | 'lockById'
  | 'lockByHash'
  | 'lockTenantAndCountLive'
  | 'insert'
  | 'update';

/** The `tokens` table in memory. Reads answer copies, as rows read from a database. */
export class InMemoryTokens implements Pick<TokensRepository, TokenMethods> {
  readonly rows: Token[];
  /** Owners who are no longer active members (`tenant/user`): their tokens read `ownerActive: false`. */
  private readonly inactiveOwners = new Set<string>();

  constructor(private readonly db: FakeTransactions) {
    this.rows = db.table<Token>();
  }

  /** Adds a row as if it had been committed earlier. */
  add(token: Token): Token {
    this.rows.push({ ...token });
    return token;
  }

  /** The member left the tenant: reads of their tokens say so, as the database's subquery does. */
  removeOwner(tenantId: string, userId: string): void {
    this.inactiveOwners.add(`${tenantId}/${userId}`);
  }

  get(id: string): Token | undefined {
    return this.rows.find((t) => t.id === id);
  }

  findVisible(scope: TokenScope, id: string): Promise<Token | null> {
    this.db.through(undefined);
    return Promise.resolve(this.read(this.rows.find((t) => t.id === id && inScope(t, scope))));
  }

  lockVisible(tx: Tx, scope: TokenScope, id: string): Promise<Token | null> {
    this.db.through(tx);
    return Promise.resolve(this.read(this.rows.find((t) => t.id === id && inScope(t, scope))));
  }

  findVisibleMany(tx: Tx, scope: TokenScope, ids: string[]): Promise<Token[]> {
    return this.lockVisibleMany(tx, scope, ids);
  }

  lockVisibleMany(tx: Tx, scope: TokenScope, ids: string[]): Promise<Token[]> {
    this.db.through(tx);
    const rows = this.rows.filter((t) => ids.includes(t.id) && inScope(t, scope));
    return Promise.resolve(byId(rows).map((t) => this.read(t) as Token));
  }

  lockLiveOf(tx: Tx, scope: TokenScope, creator: string, now: Date): Promise<Token[]> {
    this.db.through(tx);
    const rows = this.rows.filter(
      (t) =>
        inScope(t, scope) &&
        t.createdBy === creator &&
        t.status === 'active' &&
        (t.expiresAt === null || t.expiresAt.getTime() > now.getTime()),
    );
    return Promise.resolve(byId(rows).map((t) => this.read(t) as Token));
  }

  lockById(tx: Tx, id: string): Promise<Token | null> {
    return this.findById(id, tx);
  }

  lockByHash(tx: Tx, tokenHash: string): Promise<Token | null> {
    this.db.through(tx);
    return Promise.resolve(this.read(this.rows.find((t) => t.tokenHash === tokenHash)));
  }

  lockTenantAndCountLive(tx: Tx, tenantId: string, now: Date): Promise<number> {
    this.db.through(tx);
    const live = this.rows.filter(
      (t) =>
        t.tenantId === tenantId &&
        t.status === 'active' &&
        (t.expiresAt === null || t.expiresAt.getTime() > now.getTime()),
    );
    return Promise.resolve(live.length);
  }

  findById(id: string, tx?: Tx): Promise<Token | null> {
    this.db.through(tx);
    return Promise.resolve(this.read(this.rows.find((t) => t.id === id)));
  }

  /** A copy of the row as read from the database, with its owner's standing. */
  private read(row: Token | undefined): Token | null {
    const token = copy(row);
    if (token) token.ownerActive = !this.inactiveOwners.has(`${token.tenantId}/${token.createdBy}`);
    return token;
  }

  insert(tx: Tx, token: Token): Promise<void> {
    this.db.through(tx);
    if (this.rows.some((t) => t.id === token.id)) throw new Error(`duplicate token ${token.id}`);
    this.rows.push({ ...token });
    return Promise.resolve();
  }

  update(tx: Tx, id: string, changes: TokenChanges): Promise<void> {
    this.db.through(tx);
    const token = this.rows.find((t) => t.id === id);
    if (token) Object.assign(token, changes);
    return Promise.resolve();
  }
}

function inScope(token: Token, scope: TokenScope): boolean {
  return (
    token.tenantId === scope.tenantId &&
    (scope.createdBy === undefined || token.createdBy === scope.createdBy)
  );
}

function byId(rows: Token[]): Token[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function copy<R extends object>(row: R | undefined): R | null {
  return row ? { ...row } : null;
}
