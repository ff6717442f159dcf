import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { waitFor, withClient } from '@latchkey/testing';
import { type CreatedToken, RenewalRig } from './support/renewals';

interface Listed {
  id: string;
  name: string;
  lastUsedAt: string | null;
  createdBy: { id: string };
}

interface Outcome {
  tokenId: string;
  outcome: string;
  code?: string;
}

const DAY = 86_400_000;

/**
 * Stale tokens on real services (seeds 000, 004: "identify stale or unused tokens", "revoke unused or
 * stale keys promptly", offboarding): the list's idle filter, last-use sorting and creator filter, and
 * the bulk revoke, by ids or by creator with one confirmation; each token revoked as a single revoke
 * (verifiers refuse it at once, one audit entry, the owner and technical owner mailed), each exactly
 * once under concurrent callers. Time is set in the database (created_at, last_used_at).
 */
describe('stale tokens', () => {
  let rig: RenewalRig;
  const issuer = () => request(rig.system.issuer.url);
  const sql = (text: string, values: unknown[]) =>
    withClient(rig.system.env.DATABASE_URL ?? '', (client) => client.query(text, values));

  beforeAll(async () => {
    rig = await RenewalRig.start();
  });

  afterAll(async () => {
    await rig?.close();
  });

  const person = (tenantId: string, userId: string, role: 'owner' | 'admin' | 'member' = 'member') =>
    rig.system.adminAuth({ tenantId, userId, role, email: `${userId}@${tenantId}.test` });

  const list = async (auth: string, query: Record<string, string | number>) => {
    const res = await issuer().get('/v1/tokens').query(query).set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body as { items: Listed[]; total: number };
  };
  const names = async (auth: string, query: Record<string, string | number>) =>
    (await list(auth, { pageSize: 100, ...query })).items.map((t) => t.name);

  const bulkRevoke = (auth: string, body: Record<string, unknown>) =>
    issuer().post('/v1/tokens/bulk-revoke').set('Authorization', auth).send(body);

  /** Backdates a token: created `createdDaysAgo` days ago, last used `usedDaysAgo` days ago (null: never). */
  const age = (id: string, createdDaysAgo: number, usedDaysAgo: number | null) =>
    sql(`UPDATE tokens SET created_at = $2, last_used_at = $3 WHERE id = $1`, [
      id,
      new Date(Date.now() - createdDaysAgo * DAY),
      usedDaysAgo === null ? null : new Date(Date.now() - usedDaysAgo * DAY),
    ]);

  const revokedAuditEntries = async (tenantId: string) =>
    (
      await sql(
        `SELECT token_id, count(*)::int AS n FROM audit_events
          WHERE tenant_id = $1 AND type = 'token.revoked' GROUP BY token_id`,
        [tenantId],
      )
    ).rows as { token_id: string; n: number }[];

  describe('the list', () => {
    let tenantId: string;
    let owner: string;
    let mia: string;

    beforeAll(async () => {
      const tenant = await rig.tenant('stale-list', { signingSecret: false });
      tenantId = tenant.id;
      owner = tenant.owner;
      mia = await person(tenantId, 'mia');
      const tokens: Record<string, CreatedToken> = {};
      for (const [name, auth] of [
        ['used-today', owner],
        ['used-40d', owner],
        ['mia-used-100d', mia],
        ['never-used-old', owner],
        ['mia-never-used-young', mia],
      ] as const) {
        tokens[name] = await rig.createToken(auth, { name });
      }
      await age(tokens['used-today'].id, 200, 0.2);
      await age(tokens['used-40d'].id, 200, 40);
      await age(tokens['mia-used-100d'].id, 300, 100);
      await age(tokens['never-used-old'].id, 120, null);
      await age(tokens['mia-never-used-young'].id, 2, null);
    });

    it('filters tokens unused for N days, a never-used one counted from its creation', async () => {
      expect((await names(owner, { unusedForDays: 30 })).sort()).toEqual([
        'mia-used-100d',
        'never-used-old',
        'used-40d',
      ]);
      expect((await names(owner, { unusedForDays: 90 })).sort()).toEqual(['mia-used-100d', 'never-used-old']);
      expect(await names(owner, { unusedForDays: 365 })).toEqual([]);
    });

    it('sorts by last use: never used first ascending, last descending', async () => {
      const ascending = await names(owner, { sort: 'lastUsedAt', order: 'asc' });
      expect(ascending.slice(0, 2).sort()).toEqual(['mia-never-used-young', 'never-used-old']);
      expect(ascending.slice(2)).toEqual(['mia-used-100d', 'used-40d', 'used-today']);
      const descending = await names(owner, { sort: 'lastUsedAt', order: 'desc' });
      expect(descending.slice(0, 3)).toEqual(['used-today', 'used-40d', 'mia-used-100d']);
      const stalest = await list(owner, { sort: 'lastUsedAt', order: 'asc', unusedForDays: 30, pageSize: 1 });
      expect(stalest).toMatchObject({ total: 3, items: [{ name: 'never-used-old', lastUsedAt: null }] });
    });

    it('filters by creator for offboarding, within what the caller may see', async () => {
      expect((await names(owner, { createdBy: 'mia' })).sort()).toEqual([
        'mia-never-used-young',
        'mia-used-100d',
      ]);
      expect(await names(owner, { createdBy: 'mia', unusedForDays: 30 })).toEqual(['mia-used-100d']);
      // A member sees only her own, whatever she asks for; another tenant sees none of them.
      expect(await names(mia, { createdBy: 'owner' })).toEqual([]);
      const stranger = await person(`stale-other-${randomUUID()}`, 'mia', 'owner');
      expect(await names(stranger, { createdBy: 'mia' })).toEqual([]);
      // Under own_tokens_only, the owner too sees only their own.
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ tokenVisibility: 'own_tokens_only' })
        .expect(200);
      expect(await names(owner, { createdBy: 'mia' })).toEqual([]);
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ tokenVisibility: 'admins_see_all' })
        .expect(200);
    });

    it.each([
      ['unusedForDays=0', { unusedForDays: 0 }],
      ['a negative unusedForDays', { unusedForDays: -5 }],
      ['a fractional unusedForDays', { unusedForDays: 1.5 }],
      ['a non-numeric unusedForDays', { unusedForDays: 'old' }],
      ['unusedForDays over ten years', { unusedForDays: 3651 }],
      ['an unknown sort', { sort: 'last_used' }],
      ['an unknown order', { sort: 'lastUsedAt', order: 'up' }],
      ['an empty createdBy', { createdBy: '' }],
      ['an over-long createdBy', { createdBy: 'x'.repeat(256) }],
    ])('rejects %s with a 400 problem', async (_label, query) => {
      const res = await issuer().get('/v1/tokens').query(query).set('Authorization', owner);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    });
  });

  describe('the bulk revoke', () => {
    it('revokes the chosen tokens at once, each audited and mailed, with an outcome per token', async () => {
      const tenant = await rig.tenant('stale-bulk', { signingSecret: false });
      const mia = await person(tenant.id, 'mia');
      const techOwner = `platform@${tenant.id}.test`;
      const first = await rig.createToken(mia, { name: 'mia-one', technicalOwner: { email: techOwner } });
      const second = await rig.createToken(mia, { name: 'mia-two' });
      const gone = await rig.createToken(mia, { name: 'mia-gone' });
      await rig.revoke(mia, gone.id);
      const elsewhere = await rig.createToken((await rig.tenant('stale-elsewhere')).owner, { name: 'x' });
      const unknown = randomUUID();
      expect(await rig.verdict(first.token)).toBe('OK');

      const res = await bulkRevoke(tenant.owner, {
        ids: [first.id, second.id, gone.id, elsewhere.id, unknown],
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        results: [
          { tokenId: first.id, outcome: 'revoked' },
          { tokenId: second.id, outcome: 'revoked' },
          { tokenId: gone.id, outcome: 'already_revoked', code: 'TOKEN_ALREADY_REVOKED' },
          { tokenId: elsewhere.id, outcome: 'not_found', code: 'TOKEN_NOT_FOUND' },
          { tokenId: unknown, outcome: 'not_found', code: 'TOKEN_NOT_FOUND' },
        ],
        revoked: 2,
      });
      // Refused at once by the verifiers, the other tenant's token untouched.
      expect(await rig.verdict(first.token)).toBe('REVOKED');
      expect(await rig.verdict(second.token)).toBe('REVOKED');
      expect(await rig.verdict(elsewhere.token)).toBe('OK');
      expect((await rig.token(mia, first.id)).status).toBe('revoked');

      // One audit entry per token revoked here (and the earlier single revoke's), naming who did it.
      const audited = await waitFor(
        async () => {
          const entries = await revokedAuditEntries(tenant.id);
          return entries.length === 3 ? entries : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200, what: 'three token.revoked audit entries' },
      );
      expect(new Set(audited.map((e) => e.n))).toEqual(new Set([1]));
      const entry = await issuer()
        .get('/v1/audit-events')
        .query({ tokenId: first.id, type: 'token.revoked' })
        .set('Authorization', tenant.owner)
        .expect(200);
      expect(entry.body.items).toEqual([expect.objectContaining({ actorId: 'owner', tokenId: first.id })]);

      // Mia learns that someone else revoked each of her two tokens; the technical owner of one is told.
      const miaEmail = `mia@${tenant.id}.test`;
      await rig.sink.nthTo(2, miaEmail, (mail) => /revoked/.test(mail.subject));
      await rig.sink.nthTo(1, techOwner, (mail) => /revoked/.test(mail.subject));
      expect(
        rig.sink
          .mailsTo(miaEmail)
          .map((m) => m.subject)
          .sort(),
      ).toEqual(['Your API token "mia-one" was revoked', 'Your API token "mia-two" was revoked']);
    });

    it('offboards a person with one confirmation of the count, and refuses a stale count', async () => {
      const tenant = await rig.tenant('stale-offboard', { signingSecret: false });
      const leaver = await person(tenant.id, 'leo');
      const stays = await rig.createToken(tenant.owner, { name: 'owner-keeps' });
      const leos = [];
      for (const name of ['leo-1', 'leo-2', 'leo-3']) leos.push(await rig.createToken(leaver, { name }));
      const { total } = await list(tenant.owner, { createdBy: 'leo', status: 'active' });
      expect(total).toBe(3);

      // A fourth token appeared after the count was shown: nothing is revoked, the new count is given.
      const late = await rig.createToken(leaver, { name: 'leo-4' });
      const stale = await bulkRevoke(tenant.owner, { createdBy: 'leo', expectedCount: total });
      expect(stale.status).toBe(409);
      expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(stale.body).toMatchObject({ code: 'BULK_REVOKE_COUNT_MISMATCH', count: 4, expectedCount: 3 });
      expect(await rig.verdict(leos[0].token)).toBe('OK');

      const done = await bulkRevoke(tenant.owner, { createdBy: 'leo', expectedCount: 4 });
      expect(done.status).toBe(200);
      expect(done.body.revoked).toBe(4);
      expect((done.body.results as Outcome[]).map((r) => r.tokenId).sort()).toEqual(
        [...leos, late].map((t) => t.id).sort(),
      );
      for (const token of [...leos, late]) expect(await rig.verdict(token.token)).toBe('REVOKED');
      expect(await rig.verdict(stays.token)).toBe('OK');
    });

    it("applies the tenant's adminRevocation policy per token (forbidden) and its visibility (not_found)", async () => {
      const tenant = await rig.tenant('stale-policy', { signingSecret: false });
      const mia = await person(tenant.id, 'mia');
      const integration = await rig.createToken(mia, { name: 'mia-crm', purpose: 'integration' });
      const agent = await rig.createToken(mia, { name: 'mia-agent', purpose: 'agent', expiresIn: '30d' });
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', tenant.owner)
        .send({ adminRevocation: 'agent_tokens_only' })
        .expect(200);
      const res = await bulkRevoke(tenant.owner, { ids: [integration.id, agent.id] });
      expect(res.body.results).toEqual([
        { tokenId: integration.id, outcome: 'forbidden', code: 'POLICY_REVOCATION_AGENT_TOKENS_ONLY' },
        { tokenId: agent.id, outcome: 'revoked' },
      ]);
      expect(await rig.verdict(integration.token)).toBe('OK');

      // A member names someone else's token: not_found, as an unknown one.
      const own = await rig.createToken(mia, { name: 'mia-own' });
      const owners = await rig.createToken(tenant.owner, { name: 'owners' });
      const asMember = await bulkRevoke(mia, { ids: [own.id, owners.id] });
      expect(asMember.body.results).toEqual([
        { tokenId: own.id, outcome: 'revoked' },
        { tokenId: owners.id, outcome: 'not_found', code: 'TOKEN_NOT_FOUND' },
      ]);
      expect(await rig.verdict(owners.token)).toBe('OK');
    });

    it.each([
      ['an empty body', {}],
      ['both ids and createdBy', { ids: [randomUUID()], createdBy: 'leo', expectedCount: 1 }],
      ['createdBy without a confirmed count', { createdBy: 'leo' }],
      ['no ids', { ids: [] }],
      ['101 ids', { ids: Array.from({ length: 101 }, () => randomUUID()) }],
      ['a malformed id', { ids: ['not-a-uuid'] }],
      ['a zero count', { createdBy: 'leo', expectedCount: 0 }],
      ['an unknown field', { ids: [randomUUID()], force: true }],
    ])('rejects %s with a 400 problem', async (_label, body) => {
      const tenant = await rig.tenant('stale-bad', { signingSecret: false });
      const res = await bulkRevoke(tenant.owner, body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(['VALIDATION_FAILED', 'BULK_REVOKE_TARGET_INVALID']).toContain(res.body.code);
    });

    it('needs a signed-in admin (401)', async () => {
      const res = await bulkRevoke('', { ids: [randomUUID()] });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('revokes each token exactly once under 50 concurrent bulk revokes of 100 overlapping ids each', async () => {
      const tenant = await rig.tenant('stale-race', { signingSecret: false });
      const tokens: CreatedToken[] = [];
      for (let i = 0; i < 140; i += 10) {
        const batch = Array.from({ length: 10 }, (_, j) =>
          rig.createToken(tenant.owner, { name: `race-${i + j}` }),
        );
        tokens.push(...(await Promise.all(batch)));
      }
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, c) => {
          const window = tokens.slice(c, c + 100).map((t) => t.id);
          return bulkRevoke(tenant.owner, { ids: c % 2 ? window.reverse() : window }).timeout(20_000);
        }),
      );
      const answered = answers.map((a) => `${a.status} ${(a.body as { code?: string }).code ?? ''}`.trim());
      expect(answered).toEqual(answers.map(() => '200'));
      expect(Date.now() - started).toBeLessThan(30_000);
      const outcomes = answers.flatMap((a) => a.body.results as Outcome[]);
      const revoked = outcomes.filter((o) => o.outcome === 'revoked').map((o) => o.tokenId);
      // Every token is in some window (windows start at 0 to 49); each is revoked by exactly one caller.
      expect(revoked.sort()).toEqual(tokens.map((t) => t.id).sort());
      expect(outcomes.filter((o) => !['revoked', 'already_revoked'].includes(o.outcome))).toEqual([]);
      const audited = await waitFor(
        async () => {
          const entries = await revokedAuditEntries(tenant.id);
          return entries.length === tokens.length ? entries : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300, what: 'one token.revoked audit entry per token' },
      );
      expect(new Set(audited.map((e) => e.n))).toEqual(new Set([1]));
      for (const token of tokens.slice(0, 3)) expect(await rig.verdict(token.token)).toBe('REVOKED');
    }, 120_000);
  });
});
