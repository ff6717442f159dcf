import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { REPO_ROOT } from './support/run-state';
import { startSystem, type RunningSystem } from './support/system';

/** The operator's `tenant` CLI, on the run's database (DATABASE_URL from global setup). */
function operator(...args: string[]) {
  return spawnSync(process.execPath, [resolve(REPO_ROOT, 'apps/issuer/dist/cli/tenant.js'), ...args], {
    env: process.env,
    encoding: 'utf8',
  });
}

function setPlan(tenant: string, plan: string): void {
  const result = operator('set-plan', '--tenant', tenant, '--plan', plan);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

const DEFAULTS = {
  plan: 'team',
  apiAccess: true,
  requireExpiry: false,
  maxLifetimeDays: null,
  tokenIssuance: 'all_members',
  tokenVisibility: 'admins_see_all',
  adminRevocation: 'any_token',
  defaultRights: 'read',
  recoverableTokens: false,
  idleRevokeAfterDays: null,
  idleWarningDays: 7,
  expiryReminderDays: null,
};

/** Plans (set by the operator) and token policies (set by owners), and their enforcement on issuance. */
describe('tenant plan and policy', () => {
  let system: RunningSystem;
  const issuer = () => request(system.issuer.url);
  const as = (tenantId: string, role: 'owner' | 'admin' | 'member', userId = role) =>
    system.adminAuth({ tenantId, userId, role });

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(async () => {
    await system?.close();
  });

  describe('policy API', () => {
    it('shows the defaults to a tenant never seen before', async () => {
      const res = await issuer()
        .get('/v1/tenant/policy')
        .set('Authorization', await as('policy-new', 'owner'))
        .expect(200);
      expect(res.body).toEqual(DEFAULTS);
    });

    it('lets an owner change the policy, and admins read it', async () => {
      const owner = await as('policy-owner', 'owner');
      const patched = await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ requireExpiry: true, maxLifetimeDays: 90 })
        .expect(200);
      const expected = { ...DEFAULTS, requireExpiry: true, maxLifetimeDays: 90 };
      expect(patched.body).toEqual(expected);
      await issuer().get('/v1/tenant/policy').set('Authorization', owner).expect(200, expected);
      const admin = await as('policy-owner', 'admin');
      await issuer().get('/v1/tenant/policy').set('Authorization', admin).expect(200, expected);
    });

    it('changes only the fields given, and null removes the maximum lifetime', async () => {
      const owner = await as('policy-partial', 'owner');
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ requireExpiry: true, maxLifetimeDays: 30 })
        .expect(200);
      const cleared = await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ maxLifetimeDays: null })
        .expect(200);
      expect(cleared.body).toEqual({ ...DEFAULTS, requireExpiry: true });
    });

    it('refuses changes by an admin (403)', async () => {
      const res = await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', await as('policy-roles', 'admin'))
        .send({ requireExpiry: true })
        .expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('FORBIDDEN_ROLE');
      const owner = await as('policy-roles', 'owner');
      await issuer().get('/v1/tenant/policy').set('Authorization', owner).expect(200, DEFAULTS);
    });

    it('shows members the plan and policy (seed 004: "Upgrade required") but lets them change nothing (403)', async () => {
      const member = await as('policy-roles', 'member');
      await issuer().get('/v1/tenant/policy').set('Authorization', member).expect(200, DEFAULTS);
      const write = await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', member)
        .send({ requireExpiry: true })
        .expect(403);
      expect(write.body.code).toBe('FORBIDDEN_ROLE');
    });

    it('requires an admin JWT', async () => {
      const res = await issuer().get('/v1/tenant/policy').expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it.each([
      ['a plan (only the operator sets it)', { plan: 'enterprise' }],
      ['an unknown field', { requireExpiry: true, tenantId: 'someone-else' }],
      ['maxLifetimeDays 0', { maxLifetimeDays: 0 }],
      ['maxLifetimeDays 3651', { maxLifetimeDays: 3651 }],
      ['maxLifetimeDays 1.5', { maxLifetimeDays: 1.5 }],
      ['maxLifetimeDays as a string', { maxLifetimeDays: '30' }],
      ['requireExpiry that is not a boolean', { requireExpiry: 'yes' }],
      ['requireExpiry null', { requireExpiry: null }],
      ['an unknown tokenIssuance', { tokenIssuance: 'owners_only' }],
      ['tokenVisibility null', { tokenVisibility: null }],
      ['adminRevocation as a boolean', { adminRevocation: true }],
    ])('rejects %s with 400 and changes nothing', async (_label, body) => {
      const owner = await as('policy-input', 'owner');
      const res = await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      await issuer().get('/v1/tenant/policy').set('Authorization', owner).expect(200, DEFAULTS);
    });

    it('accepts the limits 1 and 3650', async () => {
      const owner = await as('policy-limits', 'owner');
      for (const maxLifetimeDays of [1, 3650]) {
        const res = await issuer()
          .patch('/v1/tenant/policy')
          .set('Authorization', owner)
          .send({ maxLifetimeDays })
          .expect(200);
        expect(res.body.maxLifetimeDays).toBe(maxLifetimeDays);
      }
    });

    it('keeps one tenant’s policy invisible to another', async () => {
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', await as('policy-tenant-a', 'owner'))
        .send({ requireExpiry: true, maxLifetimeDays: 7 })
        .expect(200);
      const other = await issuer()
        .get('/v1/tenant/policy')
        .set('Authorization', await as('policy-tenant-b', 'owner'))
        .expect(200);
      expect(other.body).toEqual(DEFAULTS);
    });

    it('shows the plan the operator set, and whether it includes API access', async () => {
      setPlan('policy-plans', 'free');
      const owner = await as('policy-plans', 'owner');
      await issuer()
        .get('/v1/tenant/policy')
        .set('Authorization', owner)
        .expect(200, { ...DEFAULTS, plan: 'free', apiAccess: false });
      setPlan('policy-plans', 'enterprise');
      await issuer()
        .get('/v1/tenant/policy')
        .set('Authorization', owner)
        .expect(200, { ...DEFAULTS, plan: 'enterprise' });
    });
  });

  describe('operator CLI', () => {
    it('prints a tenant’s plan and policy', () => {
      setPlan('policy-cli', 'enterprise');
      const shown = operator('show', '--tenant', 'policy-cli');
      expect(shown.status).toBe(0);
      expect(shown.stdout).toMatch(/^plan: enterprise$/m);
      expect(shown.stdout).toMatch(/^apiAccess: true$/m);
    });

    it.each([
      ['no command', []],
      ['an unknown plan', ['set-plan', '--tenant', 'policy-cli', '--plan', 'gold']],
      ['no tenant', ['set-plan', '--plan', 'free']],
      ['an unknown command', ['delete', '--tenant', 'policy-cli']],
    ])('exits 2 with its usage on %s', (_label, args) => {
      const result = operator(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('usage:');
    });
  });

  describe('enforced when creating tokens', () => {
    const create = (auth: string, body: Record<string, unknown>) =>
      issuer().post('/v1/tokens').set('Authorization', auth).send(body);

    it('requires an expiry when the owners say so', async () => {
      const owner = await as('enforce-expiry', 'owner');
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ requireExpiry: true })
        .expect(200);
      const admin = await as('enforce-expiry', 'admin');
      const refused = await create(admin, { name: 'forever' });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('POLICY_EXPIRY_REQUIRED');
      expect((await create(admin, { name: 'never', expiresIn: 'never' })).body.code).toBe(
        'POLICY_EXPIRY_REQUIRED',
      );
      expect((await create(admin, { name: 'monthly', expiresIn: '30d' })).status).toBe(201);
    });

    it('refuses a lifetime beyond the maximum, and allows exactly the maximum', async () => {
      const owner = await as('enforce-lifetime', 'owner');
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ maxLifetimeDays: 60 })
        .expect(200);
      const refused = await create(owner, { name: 'quarterly', expiresIn: '90d' });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('POLICY_MAX_LIFETIME_EXCEEDED');
      expect(refused.body.detail).toContain('60');
      expect((await create(owner, { name: 'bimonthly', expiresIn: '60d' })).status).toBe(201);
    });

    it('asks a tenant whose plan lacks API access to upgrade, until the operator changes the plan', async () => {
      const admin = await as('enforce-plan', 'admin');
      setPlan('enforce-plan', 'free');
      const refused = await create(admin, { name: 'ci', expiresIn: '30d' });
      expect(refused.status).toBe(402);
      expect(refused.body.code).toBe('UPGRADE_REQUIRED');
      setPlan('enforce-plan', 'team');
      expect((await create(admin, { name: 'ci', expiresIn: '30d' })).status).toBe(201);
    });
  });
});
