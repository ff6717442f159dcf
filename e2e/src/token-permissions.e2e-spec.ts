import request from 'supertest';
import type { Verdict, VerifyNeeds } from '@latchkey/client';
import { startSystem, type RunningSystem } from './support/system';

/**
 * Seeds 000–002 reconciled: a token has scopes (or `*`, its owner's permissions) and may be restricted
 * to resources; at every use it can do no more than its owner can do *now*.
 */
describe('token permissions', () => {
  let system: RunningSystem;
  let owner: string;
  let admin: string;

  beforeAll(async () => {
    system = await startSystem();
    owner = await system.adminAuth({ tenantId: 'perms', userId: 'oscar', role: 'owner' });
    admin = await system.adminAuth({ tenantId: 'perms', userId: 'ada', role: 'admin' });
  });

  afterAll(async () => {
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);
  const create = async (auth: string, body: Record<string, unknown>) =>
    (await issuer().post('/v1/tokens').set('Authorization', auth).send(body).expect(201)).body as {
      id: string;
      token: string;
      scopes: string[];
      resources: string[];
      purpose: string;
      expiresAt: string | null;
    };
  const verify = (token: string, needs: VerifyNeeds = {}): Promise<Verdict> => system.verify(token, needs);

  it('grants only the scopes asked for, read-only included', async () => {
    const reader = await create(admin, { name: 'reporting', scopes: ['projects:read', 'tasks:read'] });
    expect(reader.scopes).toEqual(['projects:read', 'tasks:read']);
    expect(await verify(reader.token, { requiredScopes: ['projects:read'] })).toMatchObject({
      valid: true,
      effectivePermissions: ['projects:read', 'tasks:read'],
    });
    expect(await verify(reader.token, { requiredScopes: ['projects:write'] })).toMatchObject({
      valid: false,
      reason: 'INSUFFICIENT_SCOPE',
    });
    expect(await system.grpc.verify(reader.token)).toMatchObject({ valid: true });
  });

  it('inherits the owner’s permissions with `*`', async () => {
    const full = await create(admin, { name: 'inherits', scopes: ['*'] });
    expect(full.scopes).toEqual(['*']);
    expect((await verify(full.token)).effectivePermissions).toEqual(
      expect.arrayContaining(['projects:write', 'tasks:write']),
    );
  });

  it('refuses unknown scopes and scopes beyond the creator’s role', async () => {
    const unknown = await issuer()
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'x', scopes: ['billing:write'] })
      .expect(400);
    expect(unknown.body.code).toBe('UNKNOWN_SCOPE');
    const member = await system.adminAuth({ tenantId: 'perms', userId: 'mia', role: 'member' });
    const beyond = await issuer()
      .post('/v1/tokens')
      .set('Authorization', member)
      .send({ name: 'x', scopes: ['projects:write'] })
      .expect(403);
    expect(beyond.body.code).toBe('SCOPE_NOT_GRANTED');
    await issuer()
      .post('/v1/tokens')
      .set('Authorization', member)
      .send({ name: 'x', scopes: ['a b'] })
      .expect(400);
  });

  it('keeps a project-restricted token to its projects (seed 002)', async () => {
    const scoped = await create(admin, { name: 'one-project', resources: ['project-1'] });
    expect(await verify(scoped.token, { resource: 'project-1' })).toMatchObject({
      valid: true,
      resources: ['project-1'],
    });
    expect(await verify(scoped.token, { resource: 'project-2' })).toMatchObject({
      valid: false,
      reason: 'RESOURCE_FORBIDDEN',
    });
    expect(await system.grpc.verify(scoped.token, { resource: 'project-2' })).toMatchObject({
      reason: 'RESOURCE_FORBIDDEN',
    });
  });

  it('refuses a restricted token verified without a resource unless the caller enforces resources (HTTP and gRPC)', async () => {
    const scoped = await create(admin, { name: 'needs-a-project', resources: ['project-1'] });
    // HTTP: no resource, and an empty one, are refused with a reason of their own.
    for (const needs of [{}, { resource: '' }, { callerEnforcesResources: false }]) {
      expect(await verify(scoped.token, needs)).toMatchObject({
        valid: false,
        reason: 'RESOURCE_REQUIRED',
        resources: ['project-1'],
      });
    }
    expect(await verify(scoped.token, { callerEnforcesResources: true })).toMatchObject({
      valid: true,
      reason: 'OK',
      resources: ['project-1'],
    });
    await request(system.verifier.url)
      .post('/v1/verify')
      .send({ token: scoped.token, callerEnforcesResources: 'yes' })
      .expect(400);

    // gRPC: an empty string is what "no resource" sends.
    expect(await system.grpc.verify(scoped.token)).toMatchObject({
      valid: false,
      reason: 'RESOURCE_REQUIRED',
      resources: ['project-1'],
    });
    expect(await system.grpc.verify(scoped.token, { resource: '' })).toMatchObject({
      reason: 'RESOURCE_REQUIRED',
    });
    expect(await system.grpc.verify(scoped.token, { callerEnforcesResources: true })).toMatchObject({
      valid: true,
      reason: 'OK',
      resources: ['project-1'],
    });
    expect(
      await system.grpc.verify(scoped.token, { resource: 'project-2', callerEnforcesResources: true }),
    ).toMatchObject({ valid: false, reason: 'RESOURCE_FORBIDDEN' });

    // An unrestricted token needs neither.
    const open = await create(admin, { name: 'any-project' });
    expect(await system.grpc.verify(open.token)).toMatchObject({ valid: true, reason: 'OK', resources: [] });
  });

  it('gives agent tokens a 90-day default expiry and lists them by purpose (seed 002)', async () => {
    const agent = await create(admin, { name: 'claude-connection', purpose: 'agent' });
    expect(agent.purpose).toBe('agent');
    expect(Math.abs(Date.parse(agent.expiresAt ?? '') - (Date.now() + 90 * 86_400_000))).toBeLessThan(60_000);
    const listed = await issuer().get('/v1/tokens?purpose=agent').set('Authorization', admin).expect(200);
    expect(listed.body.items.map((t: { id: string }) => t.id)).toEqual([agent.id]);
  });

  it('lets members see and manage only their own tokens; owners and admins see all (seeds 000/001)', async () => {
    const mia = await system.adminAuth({ tenantId: 'perms', userId: 'mia', role: 'member' });
    const max = await system.adminAuth({ tenantId: 'perms', userId: 'max', role: 'member' });
    const mine = await create(mia, { name: 'mia-script', scopes: ['projects:read'] });
    const agent = await create(mia, { name: 'mia-agent', purpose: 'agent', scopes: ['tasks:read'] });

    await issuer().get(`/v1/tokens/${mine.id}`).set('Authorization', max).expect(404);
    await issuer().post(`/v1/tokens/${mine.id}/revoke`).set('Authorization', max).expect(404);
    await issuer()
      .patch(`/v1/tokens/${mine.id}`)
      .set('Authorization', max)
      .send({ description: 'x' })
      .expect(404);
    const maxList = await issuer().get('/v1/tokens').set('Authorization', max).expect(200);
    expect(maxList.body.items.map((t: { id: string }) => t.id)).not.toContain(mine.id);
    const miaList = await issuer().get('/v1/tokens').set('Authorization', mia).expect(200);
    expect(new Set(miaList.body.items.map((t: { createdBy: { id: string } }) => t.createdBy.id))).toEqual(
      new Set(['mia']),
    );

    const ownerList = await issuer().get('/v1/tokens?pageSize=100').set('Authorization', owner).expect(200);
    expect(ownerList.body.items.map((t: { id: string }) => t.id)).toEqual(
      expect.arrayContaining([mine.id, agent.id]),
    );
    // Admins may revoke a member's agent connection (seed 002) — and any token of their tenant (seed 000).
    await issuer().post(`/v1/tokens/${agent.id}/revoke`).set('Authorization', admin).expect(200);
    await issuer().post(`/v1/tokens/${mine.id}/revoke`).set('Authorization', mia).expect(200);
  });

  it('follows the owner’s role at once: a downgrade narrows, a removal stops (seeds 000/001)', async () => {
    const writer = await create(admin, { name: 'writer', scopes: ['projects:read', 'projects:write'] });
    expect(await verify(writer.token, { requiredScopes: ['projects:write'] })).toMatchObject({ valid: true });

    await issuer().patch('/v1/members/ada').set('Authorization', owner).send({ role: 'member' }).expect(200);
    expect(await verify(writer.token, { requiredScopes: ['projects:write'] })).toMatchObject({
      valid: false,
      reason: 'INSUFFICIENT_SCOPE',
      effectivePermissions: ['projects:read'],
    });
    expect(await verify(writer.token, { requiredScopes: ['projects:read'] })).toMatchObject({ valid: true });

    await issuer().delete('/v1/members/ada').set('Authorization', owner).expect(204);
    expect(await verify(writer.token)).toMatchObject({ valid: false, reason: 'OWNER_INACTIVE' });
    expect(await system.grpc.verify(writer.token)).toMatchObject({ valid: false, reason: 'OWNER_INACTIVE' });
  });
});
