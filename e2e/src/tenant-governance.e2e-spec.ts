import request from 'supertest';
import { waitFor } from '@latchkey/testing';
import { startSystem, type RunningSystem } from './support/system';

interface Entry {
  type: string;
  actorId: string | null;
  tokenId: string | null;
  subjectId: string;
  details: Record<string, unknown>;
}

/**
 * The tenant's governance policy on real services: who may issue tokens (seeds 000, 004), who sees
 * whose (seeds 000, 001), what admins may revoke (seed 002); each value enforced, each change audited.
 */
describe('tenant governance policy', () => {
  let system: RunningSystem;
  const issuer = () => request(system.issuer.url);
  const as = (tenantId: string, role: 'owner' | 'admin' | 'member', userId: string) =>
    system.adminAuth({ tenantId, userId, role });
  const setPolicy = (owner: string, body: Record<string, unknown>) =>
    issuer().patch('/v1/tenant/policy').set('Authorization', owner).send(body).expect(200);
  const create = (auth: string, body: Record<string, unknown>) =>
    issuer().post('/v1/tokens').set('Authorization', auth).send(body);
  const createOk = async (auth: string, body: Record<string, unknown>) =>
    (await create(auth, body).expect(201)).body as { id: string; token: string };
  const listIds = async (auth: string) =>
    ((await issuer().get('/v1/tokens').set('Authorization', auth).expect(200)).body.items as { id: string }[])
      .map((t) => t.id)
      .sort();

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(async () => {
    await system?.close();
  });

  describe('who may issue tokens', () => {
    it('lets members issue under all_members (the default)', async () => {
      const member = await as('gov-issue-all', 'member', 'mia');
      const token = await createOk(member, { name: 'mia-ci' });
      await issuer()
        .post(`/v1/tokens/${token.id}/rotate`)
        .set('Authorization', member)
        .send({ oldTokenExpiresIn: 'now' })
        .expect(201);
    });

    it('refuses members every way of issuing under admins_only, and lets them revoke their own', async () => {
      const tenant = 'gov-issue-admins';
      const owner = await as(tenant, 'owner', 'olga');
      const member = await as(tenant, 'member', 'mia');
      const earlier = await createOk(member, { name: 'mia-before' });
      await setPolicy(owner, { tokenIssuance: 'admins_only' });

      const refused = await create(member, { name: 'mia-ci' }).expect(403);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 403, code: 'POLICY_ISSUANCE_ADMINS_ONLY' });
      const rotate = await issuer()
        .post(`/v1/tokens/${earlier.id}/rotate`)
        .set('Authorization', member)
        .send({ oldTokenExpiresIn: 'now' })
        .expect(403);
      expect(rotate.body.code).toBe('POLICY_ISSUANCE_ADMINS_ONLY');
      expect(rotate.body.token).toBeUndefined();
      const renew = await issuer()
        .post(`/v1/tokens/${earlier.id}/renew`)
        .set('Authorization', member)
        .send({ name: 'mia-next', oldTokenEndsAt: new Date(Date.now() + 60_000).toISOString() })
        .expect(403);
      expect(renew.body.code).toBe('POLICY_ISSUANCE_ADMINS_ONLY');
      expect(await listIds(member)).toEqual([earlier.id]);

      // Owners and admins still issue; the member can still take her own token's access away.
      await createOk(owner, { name: 'olga-ci' });
      await createOk(await as(tenant, 'admin', 'ada'), { name: 'ada-ci' });
      await issuer().post(`/v1/tokens/${earlier.id}/revoke`).set('Authorization', member).expect(200);

      // Back to all_members: the member issues again.
      await setPolicy(owner, { tokenIssuance: 'all_members' });
      await createOk(member, { name: 'mia-after' });
    });
  });

  describe('who sees and manages whose tokens', () => {
    it("shows owners and admins everyone's tokens under admins_see_all (the default)", async () => {
      const tenant = 'gov-see-all';
      const admin = await as(tenant, 'admin', 'ada');
      const member = await as(tenant, 'member', 'mia');
      const mine = await createOk(admin, { name: 'ada-ci' });
      const hers = await createOk(member, { name: 'mia-ci' });
      expect(await listIds(admin)).toEqual([mine.id, hers.id].sort());
      expect(await listIds(member)).toEqual([hers.id]);
      await issuer().get(`/v1/tokens/${hers.id}`).set('Authorization', admin).expect(200);
    });

    it('hides other people’s tokens from everyone, owners included, under own_tokens_only (404)', async () => {
      const tenant = 'gov-own-only';
      const owner = await as(tenant, 'owner', 'olga');
      const admin = await as(tenant, 'admin', 'ada');
      const member = await as(tenant, 'member', 'mia');
      const olgas = await createOk(owner, { name: 'olga-ci' });
      const adas = await createOk(admin, { name: 'ada-ci' });
      const mias = await createOk(member, { name: 'mia-ci' });
      await setPolicy(owner, { tokenVisibility: 'own_tokens_only' });

      expect(await listIds(owner)).toEqual([olgas.id]);
      expect(await listIds(admin)).toEqual([adas.id]);
      expect(await listIds(member)).toEqual([mias.id]);
      for (const [auth, other] of [
        [owner, mias.id],
        [admin, olgas.id],
      ] as const) {
        const shown = await issuer().get(`/v1/tokens/${other}`).set('Authorization', auth).expect(404);
        expect(shown.body.code).toBe('TOKEN_NOT_FOUND');
        const revoked = await issuer()
          .post(`/v1/tokens/${other}/revoke`)
          .set('Authorization', auth)
          .expect(404);
        expect(revoked.body.code).toBe('TOKEN_NOT_FOUND');
        await issuer()
          .patch(`/v1/tokens/${other}`)
          .set('Authorization', auth)
          .send({ description: 'not yours' })
          .expect(404);
      }
      // Their own tokens stay theirs to manage.
      await issuer().post(`/v1/tokens/${adas.id}/revoke`).set('Authorization', admin).expect(200);
      // The others are untouched, as their owners see.
      const mia = (await issuer().get(`/v1/tokens/${mias.id}`).set('Authorization', member).expect(200)).body;
      expect(mia).toMatchObject({ status: 'active', description: null });
    });
  });

  describe('what admins may revoke', () => {
    it('lets admins revoke any token under any_token (the default)', async () => {
      const tenant = 'gov-revoke-any';
      const admin = await as(tenant, 'admin', 'ada');
      const hers = await createOk(await as(tenant, 'member', 'mia'), { name: 'mia-ci' });
      await issuer().post(`/v1/tokens/${hers.id}/revoke`).set('Authorization', admin).expect(200);
    });

    it("refuses admins a member's integration token under agent_tokens_only, not her agent token", async () => {
      const tenant = 'gov-revoke-agents';
      const owner = await as(tenant, 'owner', 'olga');
      const admin = await as(tenant, 'admin', 'ada');
      const member = await as(tenant, 'member', 'mia');
      const general = await createOk(member, { name: 'mia-ci' });
      const agent = await createOk(member, { name: 'mia-claude', purpose: 'agent' });
      const adas = await createOk(admin, { name: 'ada-ci' });
      await setPolicy(owner, { adminRevocation: 'agent_tokens_only' });

      for (const auth of [admin, owner]) {
        const refused = await issuer()
          .post(`/v1/tokens/${general.id}/revoke`)
          .set('Authorization', auth)
          .expect(403);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({ code: 'POLICY_REVOCATION_AGENT_TOKENS_ONLY', ownerId: 'mia' });
      }
      // Still visible to admins, still live: the verifier accepts it.
      const shown = (await issuer().get(`/v1/tokens/${general.id}`).set('Authorization', admin).expect(200))
        .body;
      expect(shown.status).toBe('active');
      expect((await system.verifyHttp(general.token)).body.reason).toBe('OK');

      await issuer().post(`/v1/tokens/${agent.id}/revoke`).set('Authorization', admin).expect(200);
      await issuer().post(`/v1/tokens/${adas.id}/revoke`).set('Authorization', admin).expect(200);
      await issuer().post(`/v1/tokens/${general.id}/revoke`).set('Authorization', member).expect(200);
    });
  });

  it('records every change in the audit log with the values before and after, and nothing for a repeat', async () => {
    const tenant = 'gov-audit';
    const owner = await as(tenant, 'owner', 'olga');
    await setPolicy(owner, { tokenIssuance: 'admins_only', tokenVisibility: 'own_tokens_only' });
    await setPolicy(owner, { tokenIssuance: 'admins_only' });
    await setPolicy(owner, { adminRevocation: 'agent_tokens_only' });
    const entries = await waitFor(
      async () => {
        const page = await issuer()
          .get('/v1/audit-events')
          .query({ type: 'tenant.policy_changed' })
          .set('Authorization', owner)
          .expect(200);
        const items = page.body.items as Entry[];
        return items.length >= 2 ? items : undefined;
      },
      { timeoutMs: 30_000, what: 'the policy changes in the audit log' },
    );
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => ({ actorId: e.actorId, tokenId: e.tokenId, subjectId: e.subjectId }))).toEqual([
      { actorId: 'olga', tokenId: null, subjectId: tenant },
      { actorId: 'olga', tokenId: null, subjectId: tenant },
    ]);
    expect(entries.map((e) => e.details).reverse()).toEqual([
      {
        changedBy: 'olga',
        changes: { tokenIssuance: 'admins_only', tokenVisibility: 'own_tokens_only' },
        previous: { tokenIssuance: 'all_members', tokenVisibility: 'admins_see_all' },
      },
      {
        changedBy: 'olga',
        changes: { adminRevocation: 'agent_tokens_only' },
        previous: { adminRevocation: 'any_token' },
      },
    ]);
  });
});
