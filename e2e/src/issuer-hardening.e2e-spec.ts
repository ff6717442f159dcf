import request from 'supertest';
import { freePort, withClient } from '@latchkey/testing';
import { ServiceProcess } from './support/service-process';
import { asVerifierRole, startSystem, type RunningSystem } from './support/system';

/**
 * The issuer's edges over the real services: responses that carry a plaintext are never cached,
 * security headers on every answer, the API reference off in production, readiness without error
 * text, and the verifier on a role that can only read what it needs.
 */
describe('issuer hardening', () => {
  let system: RunningSystem;
  let admin: string;
  const issuer = () => request(system.issuer.url);

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.adminAuth({ tenantId: 'hardened', userId: 'olga', role: 'owner' });
  });

  afterAll(async () => {
    await system?.close();
  });

  async function create(name: string): Promise<request.Response> {
    return issuer()
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name, expiresIn: '30d' })
      .expect(201);
  }

  describe('Cache-Control: no-store on every response that carries a plaintext', () => {
    it('on create, rotate and renew', async () => {
      const created = await create('cached-nowhere');
      const rotated = await issuer()
        .post(`/v1/tokens/${created.body.id}/rotate`)
        .set('Authorization', admin)
        .send({ oldTokenExpiresIn: 'now' })
        .expect(201);
      const renewed = await issuer()
        .post(`/v1/tokens/${rotated.body.id}/renew`)
        .set('Authorization', admin)
        .send({ name: 'cached-nowhere-2', oldTokenEndsAt: new Date(Date.now() + 60_000).toISOString() })
        .expect(201);

      for (const res of [created, rotated, renewed]) {
        expect(res.body.token).toMatch(/^lk_/);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });

    it('on a new signing secret', async () => {
      const res = await issuer().post('/v1/tenant/signing-secrets').set('Authorization', admin).send({});

      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('not on answers without a secret', async () => {
      const res = await issuer().get('/v1/tokens').set('Authorization', admin).expect(200);

      expect(res.headers['cache-control']).not.toBe('no-store');
    });
  });

  it('sends security headers on every answer, errors included', async () => {
    for (const res of [
      await issuer().get('/v1/tokens').set('Authorization', admin),
      await issuer().get('/v1/tokens'),
      await issuer().get('/health'),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('keeps Swagger UI working under the content security policy outside production', async () => {
    const page = await issuer().get('/docs').expect(200);
    expect(page.headers['content-security-policy']).toBeDefined();
    // No inline script (the policy would block it); everything the page loads comes from this origin.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^https?:/);
      await issuer()
        .get(new URL(src, `${system.issuer.url}/docs`).pathname)
        .expect(200);
    }
    await issuer().get('/docs/openapi.json').expect(200);
  });

  it('serves no API reference when NODE_ENV=production', async () => {
    const port = await freePort();
    const production = await ServiceProcess.start('issuer', port, {
      ...system.env,
      NODE_ENV: 'production',
      // The test stack signs admin JWTs with the development secret, which production refuses unless told.
      ALLOW_DEV_JWT_SECRET_IN_PRODUCTION: 'true',
      ISSUER_PORT: String(port),
      INTERNAL_PORT: String(await freePort()),
      ISSUER_KAFKA_GROUP_ID: `issuer-production-${port}`,
      ISSUER_AUDIT_KAFKA_GROUP_ID: `audit-production-${port}`,
    });
    try {
      await request(production.url).get('/docs').expect(404);
      await request(production.url).get('/docs/openapi.json').expect(404);
      await request(production.url).get('/health').expect(200);
    } finally {
      await production.stop();
    }
  });

  it('names each dependency on /ready with up or down, nothing more', async () => {
    const res = await issuer().get('/ready').expect(200);

    expect(res.body).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up', kafka: 'up' } });
  });

  describe('the verifier’s database role', () => {
    const verifierUrl = () => asVerifierRole(process.env.DATABASE_URL) as string;

    it('is the one the verifier connects as', async () => {
      const created = await create('role-check');
      await system.verifyHttp(created.body.token).expect(200);

      const users = await withClient(process.env.DATABASE_URL as string, async (client) => {
        const { rows } = await client.query<{ usename: string }>(
          `SELECT DISTINCT usename FROM pg_stat_activity
            WHERE datname = current_database() AND application_name LIKE 'latchkey-verifier%'`,
        );
        return rows.map((row) => row.usename);
      });
      expect(users).toEqual(['latchkey_verifier']);
    });

    it('reads tokens and members, and can write nothing and read nothing else', async () => {
      await withClient(verifierUrl(), async (client) => {
        await client.query('SELECT count(*) FROM tokens');
        await client.query('SELECT count(*) FROM members');
        // Even with read-only sessions switched off, the role itself is refused.
        await client.query('SET default_transaction_read_only = off');
        await expect(client.query(`UPDATE tokens SET status = 'active'`)).rejects.toThrow(
          /permission denied/,
        );
        await expect(client.query('DELETE FROM members')).rejects.toThrow(/permission denied/);
        await expect(client.query('SELECT * FROM signing_secrets')).rejects.toThrow(/permission denied/);
        await expect(client.query('SELECT * FROM outbox_messages')).rejects.toThrow(/permission denied/);
      });
    });
  });
});
