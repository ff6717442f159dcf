import request from 'supertest';
import { generateToken, hashToken } from '@latchkey/token-format';
import { waitFor } from '@latchkey/testing';
import { startSystem, type RunningSystem } from './support/system';

/**
 * One token's life over real Postgres, Redis and Kafka: create → verify (HTTP and gRPC) → usage shows
 * up in the admin API → revoke → the very next verification is refused.
 */
describe('a token from creation to revocation', () => {
  let system: RunningSystem;
  let admin: string;

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.adminAuth({ tenantId: 'acme', userId: 'alice', role: 'admin' });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('lives, is used, and dies on revocation', async () => {
    const created = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'prod-main-app', expiresIn: '90d', scopes: ['*'] })
      .expect(201);
    const { token, id } = created.body as { token: string; id: string };
    expect(token).toMatch(/^lk_[0-9A-Za-z]{49}$/);
    expect(created.body).toMatchObject({
      name: 'prod-main-app',
      keyPrefix: token.slice(0, 8),
      createdBy: { id: 'alice', email: 'alice@acme.test' },
      lastUsedAt: null,
      status: 'active',
      usageCount: 0,
    });
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeGreaterThan(89 * 24 * 3600 * 1000);

    // The plaintext is shown once: never again, in no form.
    const shown = await request(system.issuer.url)
      .get(`/v1/tokens/${id}`)
      .set('Authorization', admin)
      .expect(200);
    expect(JSON.stringify(shown.body)).not.toContain(token.slice(8));
    expect(JSON.stringify(shown.body)).not.toContain(hashToken(token));
    expect(shown.body).not.toHaveProperty('token');

    const http = await system.verifyHttp(token).expect(200);
    expect(http.body).toEqual({
      valid: true,
      reason: 'OK',
      tokenId: id,
      tenantId: 'acme',
      ownerId: 'alice',
      expiresAt: created.body.expiresAt,
      effectivePermissions: expect.arrayContaining(['projects:read', 'projects:write']),
      resources: [],
    });
    const grpc = await system.grpc.verify(token);
    expect(grpc).toMatchObject({
      valid: true,
      reason: 'OK',
      tokenId: id,
      tenantId: 'acme',
      ownerId: 'alice',
    });
    expect(Date.parse(grpc.expiresAt)).toBe(Date.parse(created.body.expiresAt));

    // Usage reaches the issuer through TokenUsed events.
    const used = await waitFor(
      async () => {
        const res = await request(system.issuer.url).get(`/v1/tokens/${id}`).set('Authorization', admin);
        return res.body.usageCount === 2 ? (res.body as { lastUsedAt: string }) : undefined;
      },
      { what: 'usageCount 2 in the admin API' },
    );
    expect(Date.parse(used.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.createdAt));

    const revoked = await request(system.issuer.url)
      .post(`/v1/tokens/${id}/revoke`)
      .set('Authorization', admin)
      .expect(200);
    expect(revoked.body.status).toBe('revoked');

    // Immediately: no waiting for events or cache expiry.
    expect((await system.verifyHttp(token)).body).toMatchObject({
      valid: false,
      reason: 'REVOKED',
      tokenId: id,
    });
    expect(await system.grpc.verify(token)).toMatchObject({ valid: false, reason: 'REVOKED', tokenId: id });

    await request(system.issuer.url).post(`/v1/tokens/${id}/revoke`).set('Authorization', admin).expect(409);
    const listed = await request(system.issuer.url).get('/v1/tokens').set('Authorization', admin).expect(200);
    expect(listed.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, status: 'revoked' })]),
    );
  });

  it('answers MALFORMED for a mistyped token, over HTTP and gRPC', async () => {
    const { body } = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'typo-check' })
      .expect(201);
    const token = body.token as string;
    const typo = token.slice(0, 20) + (token[20] === 'x' ? 'y' : 'x') + token.slice(21);
    expect((await system.verifyHttp(typo)).body).toEqual({
      valid: false,
      reason: 'MALFORMED',
      tokenId: null,
      tenantId: null,
      ownerId: null,
      expiresAt: null,
      effectivePermissions: [],
      resources: [],
    });
    expect(await system.grpc.verify('not-a-token')).toMatchObject({
      valid: false,
      reason: 'MALFORMED',
      tokenId: '',
    });
  });

  it('answers NOT_FOUND for a well-formed token nobody issued', async () => {
    expect((await system.verifyHttp(generateToken().token)).body).toMatchObject({
      valid: false,
      reason: 'NOT_FOUND',
    });
  });

  it('answers EXPIRED once the expiry date has passed', async () => {
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const { body } = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send({ name: 'short-lived', expiresAt })
      .expect(201);
    expect((await system.verifyHttp(body.token)).body).toMatchObject({ valid: true, reason: 'OK' });
    await waitFor(async () => (await system.verifyHttp(body.token)).body.reason === 'EXPIRED', {
      timeoutMs: 10_000,
      what: 'the token to expire',
    });
    expect(await system.grpc.verify(body.token)).toMatchObject({ valid: false, reason: 'EXPIRED' });
    const shown = await request(system.issuer.url).get(`/v1/tokens/${body.id}`).set('Authorization', admin);
    expect(shown.body.status).toBe('expired');
  });
});
