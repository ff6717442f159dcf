import { randomUUID } from 'node:crypto';
import type { AdminPrincipal } from '../auth/admin-principal';
import type { IssuerConfig } from '../config';
import { TransactionRunner } from '../database/transaction';
import type { VerifierCacheWriter } from '../infrastructure/verifier-cache';
import type { OutboxRelay } from '../outbox/outbox-relay.service';
import { OutboxRepository } from '../outbox/outbox.repository';
import { UnitOfWork } from '../outbox/unit-of-work';
import { DEFAULT_GOVERNANCE } from '../tenants/governance-policy';
import type { TenantPolicyService } from '../tenants/tenant-policy.service';
import type { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
import { inTransaction, openDatabase } from '../../test/medium-database';
import { BulkRevokeTokens } from './bulk-revoke-tokens';
import type { ListTokensQuery } from './dto/list-tokens.query';
import { aUniqueToken } from './testing/a-token';
import type { Token } from './token.entity';
import { TokenIssuance } from './token-issuance';
import { TokenRenewalStops } from './token-renewal-stops';
import { TokenRevocation } from './token-revocation';
import type { TokenStateCache } from './token-state-cache';
import { TokensRepository } from './tokens.repository';

/*
 * Stale tokens on real Postgres: the list's idle filter, last-use sorting and creator filter, and the
 * bulk revoke under concurrent callers over overlapping sets (each token revoked exactly once, no
 * deadlock, nothing waiting past the lock timeout).
 */

let dataSource: Awaited<ReturnType<typeof openDatabase>>;
let tokens: TokensRepository;

beforeAll(async () => {
  dataSource = await openDatabase();
  tokens = new TokensRepository(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
});

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

async function insert(...rows: Token[]): Promise<void> {
  await inTransaction(dataSource, async (tx) => {
    for (const row of rows) await tokens.insert(tx, row);
  });
}

const query = (changes: Partial<ListTokensQuery> = {}): ListTokensQuery => ({
  page: 1,
  pageSize: 100,
  sort: 'createdAt',
  order: 'desc',
  ...changes,
});

const names = async (tenantId: string, changes: Partial<ListTokensQuery>, createdBy?: string) =>
  (await tokens.page({ tenantId, createdBy }, query(changes), now)).tokens.map((t) => t.name);

describe('the stale-token list on Postgres', () => {
  const tenantId = `t-${randomUUID()}`;

  beforeAll(async () => {
    const token = (name: string, createdAt: Date, lastUsedAt: Date | null, createdBy = 'alice') =>
      aUniqueToken({ tenantId, name, createdAt, lastUsedAt, createdBy, expiresAt: null });
    await insert(
      token('used-today', daysAgo(200), daysAgo(0.5)),
      token('used-40-days-ago', daysAgo(200), daysAgo(40)),
      token('used-100-days-ago', daysAgo(300), daysAgo(100), 'bob'),
      token('never-used-old', daysAgo(120), null),
      token('never-used-young', daysAgo(2), null, 'bob'),
    );
  });

  it('finds tokens with no use in N days, counting a never-used one from its creation', async () => {
    expect((await names(tenantId, { unusedForDays: 30 })).sort()).toEqual([
      'never-used-old',
      'used-100-days-ago',
      'used-40-days-ago',
    ]);
    expect((await names(tenantId, { unusedForDays: 90 })).sort()).toEqual([
      'never-used-old',
      'used-100-days-ago',
    ]);
    expect(await names(tenantId, { unusedForDays: 1 })).not.toContain('used-today');
    expect(await names(tenantId, { unusedForDays: 1 })).toContain('never-used-young');
    expect(await names(tenantId, { unusedForDays: 3650 })).toEqual([]);
  });

  it('sorts by last use, never-used first ascending and last descending, ties by id', async () => {
    const ascending = await names(tenantId, { sort: 'lastUsedAt', order: 'asc' });
    expect(ascending.slice(0, 2).sort()).toEqual(['never-used-old', 'never-used-young']);
    expect(ascending.slice(2)).toEqual(['used-100-days-ago', 'used-40-days-ago', 'used-today']);
    const descending = await names(tenantId, { sort: 'lastUsedAt', order: 'desc' });
    expect(descending.slice(0, 3)).toEqual(['used-today', 'used-40-days-ago', 'used-100-days-ago']);
    expect(descending.slice(3).sort()).toEqual(['never-used-old', 'never-used-young']);
    // Pages never overlap, whatever the nulls.
    const paged = [];
    for (let page = 1; page <= 3; page += 1) {
      paged.push(...(await names(tenantId, { sort: 'lastUsedAt', order: 'asc', pageSize: 2, page })));
    }
    expect(paged).toEqual(ascending);
  });

  it('filters by creator, within the scope and combined with the idle filter', async () => {
    expect((await names(tenantId, { createdBy: 'bob' })).sort()).toEqual([
      'never-used-young',
      'used-100-days-ago',
    ]);
    expect(await names(tenantId, { createdBy: 'bob', unusedForDays: 30 })).toEqual(['used-100-days-ago']);
    // A scope of alice's own tokens (a member, or `own_tokens_only`) never shows bob's.
    expect(await names(tenantId, { createdBy: 'bob' }, 'alice')).toEqual([]);
    expect(await names(`t-${randomUUID()}`, { createdBy: 'bob' })).toEqual([]);
  });
});

describe('bulk revoke on Postgres', () => {
  const admin = (tenantId: string): AdminPrincipal => ({
    tenantId,
    userId: 'carla',
    role: 'admin',
    email: 'carla@acme.test',
    emailVerified: true,
  });

  /** The use case on the real repositories and transactions; the verifiers' cache takes a few ms. */
  function bulkRevoke(): BulkRevokeTokens {
    const transactions = new TransactionRunner(dataSource, dataSource);
    const unitOfWork = new UnitOfWork(
      transactions,
      new OutboxRepository(dataSource),
      { nudge: () => undefined } as unknown as OutboxRelay,
      { outlastLeases: () => Promise.resolve() } as unknown as VerifierCacheWriter,
    );
    const stateCache = {
      publish: () => new Promise<void>((resolve) => setTimeout(resolve, 5)),
    } as unknown as TokenStateCache;
    const issuance = new TokenIssuance(
      tokens,
      stateCache,
      {} as IssuerConfig,
      {} as unknown as TokenRecoveryStore,
    );
    const policies = {
      governance: () => Promise.resolve({ ...DEFAULT_GOVERNANCE }),
    } as unknown as TenantPolicyService;
    const revocation = new TokenRevocation(tokens, issuance, new TokenRenewalStops());
    return new BulkRevokeTokens(unitOfWork, tokens, revocation, policies);
  }

  async function revokedEventsPerToken(tenantId: string): Promise<Map<string, number>> {
    const rows = await dataSource.query<{ subject: string; n: number }[]>(
      `SELECT payload->>'subject' AS subject, count(*)::int AS n FROM outbox_messages
        WHERE payload->>'type' = 'dev.latchkey.token.revoked' AND payload->>'tenantId' = $1
        GROUP BY 1`,
      [tenantId],
    );
    return new Map(rows.map((r) => [r.subject, r.n]));
  }

  it('revokes each token exactly once under 40 concurrent callers on ten issuers over overlapping sets', async () => {
    const tenantId = `t-${randomUUID()}`;
    const rows = Array.from({ length: 60 }, (_, i) =>
      aUniqueToken({ tenantId, name: `t${i}`, createdBy: i % 2 ? 'alice' : 'bob', expiresAt: null }),
    );
    await insert(...rows);
    // Ten issuers (each runs two bulk revokes at a time), so 20 transactions contend for the rows.
    const issuers = Array.from({ length: 10 }, bulkRevoke);
    const started = Date.now();
    // Each caller names 20 tokens from a sliding window, in its own order.
    const calls = Array.from({ length: 40 }, (_, c) => {
      const window = rows.slice(c, c + 20).map((t) => t.id);
      const ids = c % 2 ? window.reverse() : window;
      return issuers[c % 10].execute(admin(tenantId), { ids });
    });
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000);

    const outcomes = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.results : []));
    const revokedIds = outcomes.filter((o) => o.outcome === 'revoked').map((o) => o.tokenId);
    const named = new Set(outcomes.map((o) => o.tokenId));
    expect(revokedIds.sort()).toEqual([...named].sort());
    expect(outcomes.filter((o) => o.outcome === 'not_found')).toEqual([]);
    const events = await revokedEventsPerToken(tenantId);
    expect([...events.keys()].sort()).toEqual([...named].sort());
    expect(new Set(events.values())).toEqual(new Set([1]));
    const [{ revoked }] = await dataSource.query<[{ revoked: number }]>(
      `SELECT count(*)::int AS revoked FROM tokens WHERE tenant_id = $1 AND status = 'revoked'`,
      [tenantId],
    );
    expect(revoked).toBe(named.size);
  }, 60_000);

  it('lets 20 concurrent offboardings of one person revoke their tokens once, the others told the count changed', async () => {
    const tenantId = `t-${randomUUID()}`;
    const rows = Array.from({ length: 15 }, (_, i) =>
      aUniqueToken({ tenantId, name: `t${i}`, createdBy: i < 12 ? 'dave' : 'erin', expiresAt: null }),
    );
    await insert(...rows);
    const issuers = Array.from({ length: 10 }, bulkRevoke);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, c) =>
        issuers[c % 10].execute(admin(tenantId), { createdBy: 'dave', expectedCount: 12 }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(won[0].status === 'fulfilled' && won[0].value.revoked).toBe(12);
    for (const lost of results.filter((r) => r.status === 'rejected')) {
      expect(lost.status === 'rejected' && lost.reason).toMatchObject({
        code: 'BULK_REVOKE_COUNT_MISMATCH',
        extensions: { count: 0, expectedCount: 12 },
      });
    }
    const events = await revokedEventsPerToken(tenantId);
    expect(events.size).toBe(12);
    expect(new Set(events.values())).toEqual(new Set([1]));
    const byStatus = await dataSource.query<{ created_by: string; status: string; n: number }[]>(
      `SELECT created_by, status, count(*)::int AS n FROM tokens WHERE tenant_id = $1
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [tenantId],
    );
    expect(byStatus).toEqual([
      { created_by: 'dave', status: 'revoked', n: 12 },
      { created_by: 'erin', status: 'active', n: 3 },
    ]);
  }, 60_000);
});
