import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { REPO_ROOT } from './support/run-state';
import { startSystem, type RunningSystem } from './support/system';

/** The operator's `tenant` CLI with the run's environment (database, Redis, cache signing key). */
function setPlan(tenant: string, plan: string): void {
  const result = spawnSync(
    process.execPath,
    [resolve(REPO_ROOT, 'apps/issuer/dist/cli/tenant.js'), 'set-plan', '--tenant', tenant, '--plan', plan],
    { env: process.env, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

/**
 * Seed 004: a tenant moved to a plan without API access has its tokens refused at once, like a
 * revocation, with a reason of its own (PLAN_INACTIVE); moved back, they work again. The verifier holds
 * the token, its owner and its tenant in memory before each change, so a verdict answered from a stale
 * memory would show.
 */
describe('plans at use time', () => {
  let system: RunningSystem;
  const tenant = `plans-at-use-${Date.now()}`;

  beforeAll(async () => {
    system = await startSystem({ env: { CACHE_LEASE_MS: '1000' } });
  });

  afterAll(async () => {
    await system?.close();
  });

  const verdicts = async (token: string) => [
    ((await system.verifyHttp(token).expect(200)).body as { reason: string }).reason,
    (await system.grpc.verify(token)).reason,
  ];

  it('refuses a tenant’s tokens as soon as its plan loses API access, and accepts them once it is back', async () => {
    const owner = await system.adminAuth({ tenantId: tenant, userId: 'olga', role: 'owner' });
    const created = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', owner)
      .send({ name: 'billing sync' })
      .expect(201);
    const token = (created.body as { token: string }).token;
    for (let i = 0; i < 5; i++) expect(await verdicts(token)).toEqual(['OK', 'OK']);

    setPlan(tenant, 'free');
    expect(await verdicts(token)).toEqual(['PLAN_INACTIVE', 'PLAN_INACTIVE']);
    const refused = await system.verifyHttp(token).expect(200);
    expect(refused.body).toMatchObject({ valid: false, tenantId: tenant, effectivePermissions: [] });
    const policy = await request(system.issuer.url)
      .get('/v1/tenant/policy')
      .set('Authorization', owner)
      .expect(200);
    expect(policy.body).toMatchObject({ plan: 'free', apiAccess: false });

    setPlan(tenant, 'team');
    expect(await verdicts(token)).toEqual(['OK', 'OK']);
  });

  it('leaves other tenants’ tokens alone', async () => {
    const other = await system.adminAuth({ tenantId: `${tenant}-other`, userId: 'ada', role: 'admin' });
    const created = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', other)
      .send({ name: 'unaffected' })
      .expect(201);
    setPlan(tenant, 'free');
    expect(await verdicts((created.body as { token: string }).token)).toEqual(['OK', 'OK']);
  });
});
