import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction, openDatabase } from '../../test/medium-database';
import type { ListTokensQuery } from './dto/list-tokens.query';
import { aUniqueToken } from './testing/a-token';
import type { Token } from './token.entity';
import { TokensRepository } from './tokens.repository';

/* TokensRepository on real Postgres: scopes, filters, locks, the live-token count and usage. */

let dataSource: DataSource;
let tokens: TokensRepository;

beforeAll(async () => {
  dataSource = await openDatabase();
  tokens = new TokensRepository(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
});

const now = new Date();
let serial = 0;

function aToken(tenantId: string, changes: Partial<Token> = {}): Token {
  serial += 1;
  return aUniqueToken({
    tenantId,
    name: `token-${serial}`,
    description: null,
    createdAt: new Date(now.getTime() - serial * 1_000),
    expiresAt: null,
    scopes: ['*'],
    resources: [],
    ...changes,
  });
}

async function insert(...rows: Token[]): Promise<void> {
  await inTransaction(dataSource, async (tx) => {
    for (const row of rows) await tokens.insert(tx, row);
  });
}

const query = (changes: Partial<ListTokensQuery> = {}): ListTokensQuery => ({
  page: 1,
  pageSize: 15,
  sort: 'createdAt',
  order: 'desc',
  ...changes,
});

describe('TokensRepository on Postgres', () => {
  it('stores auto-renewal with a callback, a mail recipient or both, and refuses it reaching nobody', async () => {
    const tenantId = `t-${randomUUID()}`;
    const on = { renewalEveryDays: 7, renewalNextAt: now };
    const callbackLess = aToken(tenantId, { ...on, renewalMailRecipient: 'ops@acme.test' });
    const withCallback = aToken(tenantId, { ...on, renewalCallbackUrl: 'https://8.8.8.8/r' });
    await insert(callbackLess, withCallback);
    expect(await tokens.findById(callbackLess.id)).toMatchObject({
      renewalCallbackUrl: null,
      renewalMailRecipient: 'ops@acme.test',
    });
    await expect(insert(aToken(tenantId, on))).rejects.toThrow(/tokens_renewal_check/);
    await expect(insert(aToken(tenantId, { renewalMailRecipient: 'ops@acme.test' }))).rejects.toThrow(
      /tokens_renewal_check/,
    );
  });

  it('finds a token only within its tenant, and only the creator’s own for a member scope', async () => {
    const token = aToken(`t-${randomUUID()}`);
    await insert(token);
    expect(await tokens.findVisible({ tenantId: token.tenantId }, token.id)).toMatchObject({ id: token.id });
    expect(await tokens.findVisible({ tenantId: 'another-tenant' }, token.id)).toBeNull();
    expect(await tokens.findVisible({ tenantId: token.tenantId, createdBy: 'bob' }, token.id)).toBeNull();
  });

  it('pages newest first, filters the name literally and counts every match', async () => {
    const tenantId = `t-${randomUUID()}`;
    await insert(
      aToken(tenantId, { name: 'prod_100%' }),
      aToken(tenantId, { name: 'prod-main' }),
      aToken(tenantId, { name: 'staging', status: 'revoked', revokedAt: now, revokedBy: 'alice' }),
    );
    const all = await tokens.page({ tenantId }, query(), now);
    expect(all.total).toBe(3);
    expect(all.tokens.map((t) => t.name)).toEqual(['prod_100%', 'prod-main', 'staging']);
    // `_` and `%` are not wildcards: only the name that contains them literally matches.
    expect(
      (await tokens.page({ tenantId }, query({ name: '_100%' }), now)).tokens.map((t) => t.name),
    ).toEqual(['prod_100%']);
    expect((await tokens.page({ tenantId }, query({ status: 'revoked' }), now)).total).toBe(1);
    // Sorted by name (the database's collation decides between the two "prod" names).
    const ascending = await tokens.page(
      { tenantId },
      query({ sort: 'name', order: 'asc', pageSize: 2 }),
      now,
    );
    expect(ascending.total).toBe(3);
    expect(ascending.tokens.map((t) => t.name).sort()).toEqual(['prod-main', 'prod_100%']);
    const descending = await tokens.page(
      { tenantId },
      query({ sort: 'name', order: 'desc', pageSize: 1 }),
      now,
    );
    expect(descending.tokens.map((t) => t.name)).toEqual(['staging']);
  });

  it('reads whether the owner is an active member with the row, and filters by the status shown', async () => {
    const tenantId = `t-${randomUUID()}`;
    await dataSource.query(
      `INSERT INTO members (tenant_id, user_id, email, role, status)
       VALUES ($1, 'olga', null, 'admin', 'active'), ($1, 'rita', null, 'member', 'removed')`,
      [tenantId],
    );
    const olgas = aToken(tenantId, { createdBy: 'olga', name: 'olgas' });
    const ritas = aToken(tenantId, { createdBy: 'rita', name: 'ritas' });
    // Never signed in here (no member row): the verifiers refuse it too.
    const unknowns = aToken(tenantId, { createdBy: 'nobody', name: 'unknowns' });
    const revoked = { status: 'revoked', revokedAt: now, revokedBy: 'olga' } as const;
    const ritasRevoked = aToken(tenantId, { createdBy: 'rita', name: 'ritas-revoked', ...revoked });
    const ritasExpired = aToken(tenantId, {
      createdBy: 'rita',
      name: 'ritas-expired',
      expiresAt: new Date(now.getTime() - 1_000),
    });
    await insert(olgas, ritas, unknowns, ritasRevoked, ritasExpired);

    expect((await tokens.findVisible({ tenantId }, olgas.id))?.ownerActive).toBe(true);
    expect((await tokens.findVisible({ tenantId }, ritas.id))?.ownerActive).toBe(false);
    await inTransaction(dataSource, async (tx) => {
      expect((await tokens.lockVisible(tx, { tenantId }, ritas.id))?.ownerActive).toBe(false);
    });
    const names = async (status?: ListTokensQuery['status']) =>
      (await tokens.page({ tenantId }, query({ status, sort: 'name', order: 'asc' }), now)).tokens.map(
        (t) => [t.name, t.ownerActive],
      );
    expect(await names()).toEqual([
      ['olgas', true],
      ['ritas', false],
      ['ritas-expired', false],
      ['ritas-revoked', false],
      ['unknowns', false],
    ]);
    expect(await names('active')).toEqual([['olgas', true]]);
    expect(await names('owner_inactive')).toEqual([
      ['ritas', false],
      ['unknowns', false],
    ]);
    expect(await names('expired')).toEqual([['ritas-expired', false]]);
    expect(await names('revoked')).toEqual([['ritas-revoked', false]]);
    expect((await tokens.page({ tenantId }, query({ status: 'owner_inactive' }), now)).total).toBe(2);
  });

  it('passes the page window as parameters and refuses pages beyond the bound before any SQL', async () => {
    const tenantId = `t-${randomUUID()}`;
    await insert(
      aToken(tenantId, { name: 'a' }),
      aToken(tenantId, { name: 'b' }),
      aToken(tenantId, { name: 'c' }),
    );
    const sent = jest.spyOn(dataSource, 'query');
    try {
      const second = await tokens.page(
        { tenantId },
        query({ sort: 'name', order: 'asc', pageSize: 2, page: 2 }),
        now,
      );
      expect(second).toMatchObject({ total: 3, tokens: [{ name: 'c' }] });
      const windowed = sent.mock.calls.find(([sql]) => /LIMIT \$\d+ OFFSET \$\d+$/.test(sql));
      expect(windowed?.[1]?.slice(-2)).toEqual([2, 2]);
      expect((await tokens.page({ tenantId }, query({ page: 10_000 }), now)).tokens).toEqual([]);

      sent.mockClear();
      for (const page of [1e20, 1e308, Infinity, 10_001, 0, 1.5]) {
        await expect(tokens.page({ tenantId }, query({ page }), now)).rejects.toThrow(RangeError);
      }
      expect(sent).not.toHaveBeenCalled();
    } finally {
      sent.mockRestore();
    }
  });

  it('counts only live tokens, and serialises concurrent counts of one tenant', async () => {
    const tenantId = `t-${randomUUID()}`;
    await insert(
      aToken(tenantId),
      aToken(tenantId, { expiresAt: new Date(now.getTime() - 1_000) }),
      aToken(tenantId, { status: 'revoked', revokedAt: now, revokedBy: 'alice' }),
    );
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = inTransaction(dataSource, async (tx) => {
      expect(await tokens.lockTenantAndCountLive(tx, tenantId, now)).toBe(1);
      order.push('first counted');
      await firstHolds;
      await tokens.insert(tx, aToken(tenantId));
      order.push('first inserted');
    });
    // Let the first transaction take the tenant's lock before the second asks for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = inTransaction(dataSource, async (tx) => {
      const live = await tokens.lockTenantAndCountLive(tx, tenantId, now);
      order.push(`second counted ${live}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first counted', 'first inserted', 'second counted 2']);
  });

  it('locks a token until the transaction ends: a second locker waits, bounded by the lock timeout', async () => {
    const token = aToken(`t-${randomUUID()}`);
    await insert(token);
    await inTransaction(dataSource, async (tx) => {
      await tokens.lockById(tx, token.id);
      const waiting = inTransaction(dataSource, (other) => tokens.lockById(other, token.id));
      await expect(waiting).rejects.toMatchObject({ driverError: { code: '55P03' } });
    });
  });

  it('records usage once per call within the tenant, and moves the last use only forward', async () => {
    const token = aToken(`t-${randomUUID()}`);
    await insert(token);
    const later = new Date(now.getTime() + 60_000).toISOString();
    const earlier = new Date(now.getTime() - 60_000).toISOString();
    await inTransaction(dataSource, async (tx) => {
      expect(
        await tokens.recordUsage(tx, {
          tokenId: token.id,
          tenantId: token.tenantId,
          count: 3,
          lastUsedAt: later,
        }),
      ).toBe(true);
      expect(
        await tokens.recordUsage(tx, {
          tokenId: token.id,
          tenantId: token.tenantId,
          count: 2,
          lastUsedAt: earlier,
        }),
      ).toBe(true);
      expect(
        await tokens.recordUsage(tx, { tokenId: token.id, tenantId: 'other', count: 9, lastUsedAt: later }),
      ).toBe(false);
    });
    const stored = await tokens.findById(token.id);
    expect(stored?.usageCount).toBe(5);
    expect(stored?.lastUsedAt?.toISOString()).toBe(later);
  });

  it('refuses a second successor of one token (unique index)', async () => {
    const tenantId = `t-${randomUUID()}`;
    const old = aToken(tenantId);
    await insert(old, aToken(tenantId, { replacesTokenId: old.id }));
    await expect(insert(aToken(tenantId, { replacesTokenId: old.id }))).rejects.toMatchObject({
      driverError: { code: '23505' },
    });
  });
});
