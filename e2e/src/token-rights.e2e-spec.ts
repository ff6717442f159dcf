import request from 'supertest';
import type { Verdict, VerifyNeeds } from '@latchkey/client';
import { waitFor } from '@latchkey/testing';
import { startSystem, type RunningSystem } from './support/system';

interface Entry {
  type: string;
  actorId: string | null;
  details: Record<string, unknown>;
}

/**
 * Rights presets and the applications catalog on real services (seed 003: "Rights determine if the
 * token allows to read & write or only to read", "Determine Applications by using the drop-down menu";
 * seed 002: "Grant the least").
 */
describe('token rights and applications', () => {
  let system: RunningSystem;
  const issuer = () => request(system.issuer.url);
  const as = (tenantId: string, role: 'owner' | 'admin' | 'member', userId: string) =>
    system.adminAuth({ tenantId, userId, role });
  const create = (auth: string, body: Record<string, unknown>) =>
    issuer().post('/v1/tokens').set('Authorization', auth).send(body);
  const createOk = async (auth: string, body: Record<string, unknown>) =>
    (await create(auth, body).expect(201)).body as {
      id: string;
      token: string;
      rights: string | null;
      scopes: string[];
      resources: string[];
    };
  const verify = (token: string, needs: VerifyNeeds = {}): Promise<Verdict> => system.verify(token, needs);

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(async () => {
    await system?.close();
  });

  it('grants only reading by default, and reading and writing when asked (seeds 002, 003)', async () => {
    const admin = await as('rights-presets', 'admin', 'ada');
    const least = await createOk(admin, { name: 'reporting' });
    expect(least).toMatchObject({
      rights: 'read',
      scopes: ['projects:read', 'tasks:read', 'applications:read'],
    });
    expect(await verify(least.token, { requiredScopes: ['projects:read'] })).toMatchObject({ valid: true });
    expect(await verify(least.token, { requiredScopes: ['projects:write'] })).toMatchObject({
      valid: false,
      reason: 'INSUFFICIENT_SCOPE',
    });

    const writer = await createOk(admin, { name: 'sync', rights: 'read_write' });
    expect(writer.rights).toBe('read_write');
    expect(await verify(writer.token, { requiredScopes: ['projects:write'] })).toMatchObject({ valid: true });

    const custom = await createOk(admin, { name: 'custom', scopes: ['tasks:write'] });
    expect(custom.rights).toBeNull();
    // The detail and the list show the preset the token was created with.
    const shown = await issuer().get(`/v1/tokens/${writer.id}`).set('Authorization', admin).expect(200);
    expect(shown.body.rights).toBe('read_write');
    const list = await issuer().get('/v1/tokens').set('Authorization', admin).expect(200);
    const rightsById = new Map(
      (list.body.items as { id: string; rights: string | null }[]).map((t) => [t.id, t.rights]),
    );
    expect([rightsById.get(least.id), rightsById.get(writer.id), rightsById.get(custom.id)]).toEqual([
      'read',
      'read_write',
      null,
    ]);

    const member = await as('rights-presets', 'member', 'mia');
    const refused = await create(member, { name: 'x', rights: 'read_write' }).expect(403);
    expect(refused.body.code).toBe('SCOPE_NOT_GRANTED');
  });

  it('refuses rights with scopes as a problem (400 RIGHTS_SCOPES_CONFLICT)', async () => {
    const admin = await as('rights-conflict', 'admin', 'ada');
    const res = await create(admin, { name: 'both', rights: 'read', scopes: ['projects:read'] }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'RIGHTS_SCOPES_CONFLICT' });
    expect((await create(admin, { name: 'bad', rights: 'admin' }).expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );
    const list = await issuer().get('/v1/tokens').set('Authorization', admin).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it("applies the tenant's chosen default preset; a member still gets read", async () => {
    const tenant = 'rights-default';
    const owner = await as(tenant, 'owner', 'olga');
    const before = await issuer().get('/v1/tenant/applications').set('Authorization', owner).expect(200);
    expect(before.body).toEqual({ applications: [], defaultRights: 'read' });
    const policy = await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', owner)
      .send({ defaultRights: 'read_write' })
      .expect(200);
    expect(policy.body.defaultRights).toBe('read_write');
    expect((await createOk(owner, { name: 'full' })).rights).toBe('read_write');
    const member = await as(tenant, 'member', 'mia');
    expect(
      (await issuer().get('/v1/tenant/applications').set('Authorization', member).expect(200)).body,
    ).toEqual({
      applications: [],
      defaultRights: 'read_write',
    });
    expect((await createOk(member, { name: 'mine' })).rights).toBe('read');
    const admin = await as(tenant, 'admin', 'ada');
    await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', admin)
      .send({ defaultRights: 'read' })
      .expect(403);
  });

  it('validates resources against the catalog, free-form while it is empty, and audits its changes', async () => {
    const tenant = 'rights-apps';
    const owner = await as(tenant, 'owner', 'olga');
    const admin = await as(tenant, 'admin', 'ada');
    const member = await as(tenant, 'member', 'mia');
    expect((await createOk(member, { name: 'free', resources: ['anything'] })).resources).toEqual([
      'anything',
    ]);

    const catalog = [
      { id: 'billing', name: 'Billing portal' },
      { id: 'crm', name: 'CRM' },
    ];
    const put = (auth: string, body: object) =>
      issuer().put('/v1/tenant/applications').set('Authorization', auth).send(body);
    expect((await put(member, { applications: catalog }).expect(403)).body.code).toBe('FORBIDDEN_ROLE');
    expect((await put(admin, { applications: catalog }).expect(200)).body).toEqual({
      applications: catalog,
      defaultRights: 'read',
    });
    await put(admin, { applications: catalog }).expect(200); // a repeat changes (and audits) nothing
    for (const bad of [
      { applications: [catalog[0], { id: 'billing', name: 'Again' }] },
      { applications: [{ id: 'x', name: '   ' }] },
      { applications: [{ id: 'has space', name: 'X' }] },
      { applications: 'crm' },
    ]) {
      expect((await put(owner, bad).expect(400)).body.code).toBe('VALIDATION_FAILED');
    }
    expect(
      (await issuer().get('/v1/tenant/applications').set('Authorization', member).expect(200)).body,
    ).toEqual({
      applications: catalog,
      defaultRights: 'read',
    });

    const unknown = await create(member, { name: 'x', resources: ['crm', 'ledger'] }).expect(422);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({
      code: 'UNKNOWN_RESOURCE',
      unknown: ['ledger'],
      applications: ['billing', 'crm'],
    });
    const crm = await createOk(member, { name: 'crm-only', resources: ['crm'] });
    expect(await verify(crm.token, { resource: 'crm' })).toMatchObject({ valid: true });
    expect(await verify(crm.token, { resource: 'billing' })).toMatchObject({
      valid: false,
      reason: 'RESOURCE_FORBIDDEN',
    });

    // An empty catalog returns to free-form ids.
    await put(owner, { applications: [] }).expect(200);
    expect((await createOk(member, { name: 'free-again', resources: ['ledger'] })).resources).toEqual([
      'ledger',
    ]);

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
      { timeoutMs: 30_000, what: 'the catalog changes in the audit log' },
    );
    expect(entries.map((e) => ({ actorId: e.actorId, details: e.details })).reverse()).toEqual([
      {
        actorId: 'ada',
        details: { changedBy: 'ada', changes: { applications: catalog }, previous: { applications: [] } },
      },
      {
        actorId: 'olga',
        details: { changedBy: 'olga', changes: { applications: [] }, previous: { applications: catalog } },
      },
    ]);
  });
});
