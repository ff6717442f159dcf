import { SignJWT } from 'jose';
import request from 'supertest';
import { startSystem, type RunningSystem } from './support/system';

/** The admin API's contract: who may call it, what it accepts, what it never reveals. */
describe('admin API contract', () => {
  let system: RunningSystem;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    system = await startSystem();
    acme = await system.adminAuth({ tenantId: 'acme-contract', userId: 'alice', role: 'admin' });
    globex = await system.adminAuth({ tenantId: 'globex-contract', userId: 'gary', role: 'admin' });
  });

  afterAll(async () => {
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);

  describe('authentication', () => {
    it('requires an admin JWT', async () => {
      const res = await issuer().get('/v1/tokens').expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    });

    it('refuses an API token: tokens cannot manage tokens', async () => {
      const { body } = await issuer()
        .post('/v1/tokens')
        .set('Authorization', acme)
        .send({ name: 'x' })
        .expect(201);
      const res = await issuer().get('/v1/tokens').set('Authorization', `Bearer ${body.token}`).expect(401);
      expect(res.body.code).toBe('API_TOKEN_NOT_ACCEPTED');
      expect(JSON.stringify(res.body)).not.toContain(body.token);
    });

    it('refuses a JWT signed with another key, an expired one, and one without a tenant', async () => {
      const forged = await new SignJWT({ tid: 'acme-contract', role: 'owner' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('x'.repeat(64)));
      expect(
        (await issuer().get('/v1/tokens').set('Authorization', `Bearer ${forged}`).expect(401)).body.code,
      ).toBe('INVALID_ADMIN_TOKEN');
      const expired = await system.adminAuth({
        tenantId: 'acme-contract',
        userId: 'alice',
        expiresIn: '-1m',
      });
      expect((await issuer().get('/v1/tokens').set('Authorization', expired).expect(401)).body.code).toBe(
        'INVALID_ADMIN_TOKEN',
      );
      const secret = new TextEncoder().encode(process.env.ADMIN_JWT_SECRET);
      const tenantless = await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime('5m')
        .sign(secret);
      expect(
        (await issuer().get('/v1/tokens').set('Authorization', `Bearer ${tenantless}`).expect(401)).body.code,
      ).toBe('INVALID_ADMIN_TOKEN');
    });
  });

  describe('input', () => {
    it.each([
      ['a missing name', {}],
      ['a blank name', { name: '   ' }],
      ['a name over 128 characters', { name: 'n'.repeat(129) }],
      ['an unknown expiry choice', { name: 'x', expiresIn: '45d' }],
      ['a date that is not a date', { name: 'x', expiresAt: 'tomorrow' }],
      ['an unknown field (no mass assignment)', { name: 'x', tenantId: 'globex-contract' }],
      ['a forged status', { name: 'x', status: 'revoked' }],
    ])('rejects %s with 400', async (_label, body) => {
      const res = await issuer().post('/v1/tokens').set('Authorization', acme).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('refuses creation to an admin whose email is not verified (seed 002)', async () => {
      const unverified = await system.adminAuth({
        tenantId: 'acme-contract',
        userId: 'ursula',
        emailVerified: false,
      });
      const res = await issuer()
        .post('/v1/tokens')
        .set('Authorization', unverified)
        .send({ name: 'x' })
        .expect(403);
      expect(res.body.code).toBe('EMAIL_NOT_VERIFIED');
      await issuer().get('/v1/tokens').set('Authorization', unverified).expect(200);
    });

    it('accepts a name of exactly 128 characters, trimmed', async () => {
      const res = await issuer()
        .post('/v1/tokens')
        .set('Authorization', acme)
        .send({ name: `  ${'n'.repeat(128)}  ` })
        .expect(201);
      expect(res.body.name).toBe('n'.repeat(128));
      expect(res.body.expiresAt).toBeNull();
    });

    it('rejects an expiry in the past and two expiries at once', async () => {
      const past = new Date(Date.now() - 60_000).toISOString();
      expect(
        (
          await issuer()
            .post('/v1/tokens')
            .set('Authorization', acme)
            .send({ name: 'x', expiresAt: past })
            .expect(400)
        ).body.code,
      ).toBe('EXPIRY_IN_PAST');
      const both = {
        name: 'x',
        expiresIn: '30d',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      };
      expect(
        (await issuer().post('/v1/tokens').set('Authorization', acme).send(both).expect(400)).body.code,
      ).toBe('EXPIRY_CONFLICT');
    });

    it('rejects malformed JSON and oversized bodies with a 4xx', async () => {
      const bad = await issuer()
        .post('/v1/tokens')
        .set('Authorization', acme)
        .set('Content-Type', 'application/json')
        .send('{"name": ')
        .expect(400);
      expect(bad.body.code).toBe('MALFORMED_BODY');
      const big = await issuer()
        .post('/v1/tokens')
        .set('Authorization', acme)
        .send({ name: 'x', padding: 'p'.repeat(64 * 1024) })
        .expect(413);
      expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it.each(['1y', '30d', '60d', '90d', 'never'])('accepts expiresIn %s', async (expiresIn) => {
      const res = await issuer()
        .post('/v1/tokens')
        .set('Authorization', acme)
        .send({ name: expiresIn, expiresIn });
      expect(res.status).toBe(201);
    });
  });

  describe('tenancy', () => {
    it('answers 404 for another tenant’s token, never 403', async () => {
      const { body } = await issuer()
        .post('/v1/tokens')
        .set('Authorization', acme)
        .send({ name: 'private' })
        .expect(201);
      const read = await issuer().get(`/v1/tokens/${body.id}`).set('Authorization', globex).expect(404);
      expect(read.body.code).toBe('TOKEN_NOT_FOUND');
      await issuer().post(`/v1/tokens/${body.id}/revoke`).set('Authorization', globex).expect(404);
      const list = await issuer().get('/v1/tokens').set('Authorization', globex).expect(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(body.id);
      expect((await system.verifyHttp(body.token)).body.reason).toBe('OK');
    });

    it('answers 404 for an id that is not a token id', async () => {
      expect(
        (await issuer().get('/v1/tokens/not-a-uuid').set('Authorization', acme).expect(404)).body.code,
      ).toBe('TOKEN_NOT_FOUND');
    });

    it('lists newest first and shows no secrets', async () => {
      // A tenant of its own: the list holds exactly the tokens made here, whatever ran before.
      const lister = await system.adminAuth({ tenantId: 'listing-contract', userId: 'lena', role: 'admin' });
      const made: { id: string; token: string }[] = [];
      for (const name of ['oldest', 'middle', 'newest']) {
        const res = await issuer().post('/v1/tokens').set('Authorization', lister).send({ name }).expect(201);
        made.push(res.body as { id: string; token: string });
      }
      const list = await issuer().get('/v1/tokens').set('Authorization', lister).expect(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).toEqual(made.map((t) => t.id).reverse());
      const created = list.body.items.map((t: { createdAt: string }) => Date.parse(t.createdAt));
      expect(created).toEqual([...created].sort((a, b) => b - a));
      for (const { token } of made) {
        expect(JSON.stringify(list.body)).not.toContain(token);
      }
      for (const item of list.body.items) {
        expect(Object.keys(item).sort()).toEqual(
          [
            'ageDays',
            'ageWarning',
            'autoRenewal',
            'createdAt',
            'createdBy',
            'description',
            'expiresAt',
            'id',
            'issuedBy',
            'keyPrefix',
            'lastUsedAt',
            'name',
            'purpose',
            'replacedByTokenId',
            'replacesTokenId',
            'resources',
            'rights',
            'scopes',
            'status',
            'technicalOwner',
            'usageCount',
          ].sort(),
        );
      }
    });
  });

  describe('verifier HTTP contract', () => {
    it.each([
      ['no token', {}],
      ['a token that is not a string', { token: 42 }],
      ['an unknown field', { token: 'lk_x', tenantId: 'acme' }],
    ])('rejects %s with 400', async (_label, body) => {
      const res = await request(system.verifier.url).post('/v1/verify').send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('operability', () => {
    it.each(['issuer', 'verifier', 'worker'] as const)('%s answers /health and /ready', async (name) => {
      await request(system[name].url).get('/health').expect(200, { status: 'ok' });
      const ready = await request(system[name].url).get('/ready').expect(200);
      expect(ready.body.status).toBe('ready');
    });

    it('logs JSON lines and never a token', async () => {
      const { body } = await issuer()
        .post('/v1/tokens')
        .set('Authorization', acme)
        .send({ name: 'secret-check' });
      await system.verifyHttp(body.token).expect(200);
      await system.grpc.verify(body.token);
      for (const service of [system.issuer, system.verifier, system.worker]) {
        const logs = service.logs();
        expect(logs).not.toContain(body.token);
        expect(logs).not.toContain((body.token as string).slice(8));
        for (const line of logs.split('\n').filter(Boolean)) {
          expect(() => JSON.parse(line) as unknown).not.toThrow();
        }
      }
    });
  });
});
