import Redis from 'ioredis';
import request from 'supertest';
import type { Verdict, VerifyNeeds } from '@latchkey/client';
import { waitFor } from '@latchkey/testing';
import { generateToken } from '@latchkey/token-format';
import { memberKeyOf, tokenKeyOf } from './support/cache-keys';
import { startSystem, type RunningSystem } from './support/system';

/**
 * Redis is not a root of trust: someone who can write to the verifiers' cache, but does not hold
 * CACHE_SIGNING_KEY, cannot make a token verify, un-revoke one, raise a member or replay an old entry.
 * Every rejected entry is a miss (the verdict comes from Postgres) and is counted on GET /metrics.
 */
describe('cache trust', () => {
  const TTL_SECONDS = 2;
  let system: RunningSystem;
  let redis: Redis;
  let admin: string;
  const storedEntry = (key: string) =>
    waitFor(async () => (await redis.get(key)) ?? undefined, { what: `the cache entry ${key}` });

  beforeAll(async () => {
    system = await startSystem({ env: { TOKEN_CACHE_TTL_SECONDS: String(TTL_SECONDS) } });
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    admin = await system.adminAuth({ tenantId: 'cache-trust', userId: 'ada', role: 'admin' });
  });

  afterAll(async () => {
    redis?.disconnect();
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);
  const create = async (auth: string, body: Record<string, unknown> = {}) =>
    (
      await issuer()
        .post('/v1/tokens')
        .set('Authorization', auth)
        .send({ name: 'cache trust', ...body })
        .expect(201)
    ).body as { id: string; token: string; tenantId: string };
  const verify = (token: string, needs: VerifyNeeds = {}): Promise<Verdict> => system.verify(token, needs);

  it('refuses a never-issued token under which a real token’s entry was copied verbatim', async () => {
    const real = await create(admin);
    expect(await verify(real.token)).toMatchObject({ valid: true, reason: 'OK' });
    const entry = await storedEntry(await tokenKeyOf(real.token));

    const neverIssued = generateToken().token;
    await redis.set(await tokenKeyOf(neverIssued), entry, 'EX', 60);

    expect(await verify(neverIssued)).toMatchObject({ valid: false, reason: 'NOT_FOUND' });
    expect(await system.grpc.verify(neverIssued)).toMatchObject({ valid: false });
  });

  it('does not believe a hand-written entry that un-revokes a revoked token', async () => {
    const revoked = await create(admin);
    await issuer().post(`/v1/tokens/${revoked.id}/revoke`).set('Authorization', admin).expect(200);
    await redis.set(
      await tokenKeyOf(revoked.token),
      JSON.stringify({
        found: true,
        tokenId: revoked.id,
        tenantId: 'cache-trust',
        ownerId: 'ada',
        revoked: false,
        expiresAt: null,
        scopes: ['*'],
        resources: [],
      }),
      'EX',
      60,
    );

    expect(await verify(revoked.token)).toMatchObject({ valid: false, reason: 'REVOKED' });
  });

  it('does not believe a hand-written entry that raises a member to owner', async () => {
    const mia = await system.adminAuth({ tenantId: 'cache-trust', userId: 'mia', role: 'member' });
    const token = await create(mia, { scopes: ['*'] });
    // Forged before the first verification: a verifier that has mia's standing in memory reads no entry.
    await redis.set(
      await memberKeyOf('cache-trust', 'mia'),
      JSON.stringify({ found: true, role: 'owner', active: true }),
      'EX',
      60,
    );

    expect(await verify(token.token, { requiredScopes: ['projects:write'] })).toMatchObject({
      valid: false,
      reason: 'INSUFFICIENT_SCOPE',
    });
  });

  it('does not believe a genuine entry written back after its own lifetime', async () => {
    const token = await create(admin);
    expect(await verify(token.token)).toMatchObject({ valid: true });
    const activeEntry = await storedEntry(await tokenKeyOf(token.token));
    await issuer().post(`/v1/tokens/${token.id}/revoke`).set('Authorization', admin).expect(200);
    // Both the active entry's lifetime and the revocation entry's have passed.
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 500));

    await redis.set(await tokenKeyOf(token.token), activeEntry, 'EX', 60);

    expect(await verify(token.token)).toMatchObject({ valid: false, reason: 'REVOKED' });
  });

  it('counts the entries it did not believe', async () => {
    const metrics = await request(system.verifier.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /^latchkey_verifier_cache_entries_rejected_total\{cache="token-state",reason="forged"\} [1-9]/m,
    );
    expect(metrics.text).toMatch(
      /^latchkey_verifier_cache_entries_rejected_total\{cache="member-state",reason="malformed"\} [1-9]/m,
    );
  });
});
