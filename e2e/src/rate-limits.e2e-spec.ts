import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import Redis from 'ioredis';
import request from 'supertest';
import { REDEEM_PATH } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { startSystem, type RunningSystem } from './support/system';

const REDEEM_LIMIT = 15;
const ADMIN_LIMIT = 25;
const REFUSAL_LIMIT = 30;

/**
 * Limits on every door, over the real services: per source on the public redeem endpoint, per tenant
 * on the admin API, per caller for verify refusals (HTTP and gRPC); unknown tokens never become Redis
 * keys; and none of it slows a revocation or stops a valid token from verifying.
 */
describe('rate limits', () => {
  let system: RunningSystem;
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    // A key namespace of its own: the limit counters of other specs in this run start at zero here.
    prefix = `${process.env.REDIS_KEY_PREFIX ?? 'latchkey:'}rate-limits-${Date.now()}:`;
    system = await startSystem({
      env: {
        REDIS_KEY_PREFIX: prefix,
        REDEEM_RATE_LIMIT: `${REDEEM_LIMIT}/1m`,
        ADMIN_API_RATE_LIMIT: `${ADMIN_LIMIT}/1m`,
        VERIFY_REFUSAL_RATE_LIMIT: `${REFUSAL_LIMIT}/1m`,
      },
    });
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    await system?.close();
    await redis?.quit();
  });

  async function createToken(tenantId: string, name: string): Promise<{ id: string; token: string }> {
    const auth = await system.adminAuth({ tenantId, userId: 'olga', role: 'owner' });
    const res = await request(system.issuer.url)
      .post('/v1/tokens')
      .set('Authorization', auth)
      .send({ name, expiresIn: '30d' })
      .expect(201);
    return res.body as { id: string; token: string };
  }

  async function countKeys(pattern: string): Promise<number> {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  }

  it('keeps unknown tokens out of Redis: random tokens add no keys', async () => {
    const before = await countKeys(`${prefix}token:*`);

    for (let i = 0; i < REFUSAL_LIMIT - 5; i++) {
      await system.verifyHttp(generateToken().token).expect(200);
    }

    expect(await countKeys(`${prefix}token:*`)).toBe(before);
  });

  it('answers a flood of refused verifications with 429, while a valid token still verifies', async () => {
    const valid = await createToken('limits-verify', 'kept-working');
    await system.verifyHttp(valid.token).expect(200);

    const answered: number[] = [];
    let limited: request.Response | undefined;
    for (let i = 0; i < REFUSAL_LIMIT * 2 && limited === undefined; i++) {
      const res = await system.verifyHttp(generateToken().token);
      if (res.status === 429) limited = res;
      else answered.push(res.status);
    }

    expect(answered.every((status) => status === 200)).toBe(true);
    expect(limited?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const still = await system.verifyHttp(valid.token).expect(200);
    expect(still.body).toMatchObject({ valid: true, tokenId: valid.id });
    await expect(system.grpc.verify(valid.token)).resolves.toMatchObject({ valid: true });
  });

  it('limits refused verifications over gRPC too (RESOURCE_EXHAUSTED)', async () => {
    let exhausted: ServiceError | undefined;
    for (let i = 0; i < REFUSAL_LIMIT * 2 && exhausted === undefined; i++) {
      try {
        await system.grpc.verify(generateToken().token);
      } catch (error) {
        exhausted = error as ServiceError;
      }
    }

    expect(exhausted?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(exhausted?.details).toMatch(/^RATE_LIMITED/);
  });

  it('limits the public redeem endpoint per source, and a revocation during the flood still completes', async () => {
    const victim = await createToken('limits-redeem', 'to-revoke');
    const auth = await system.adminAuth({ tenantId: 'limits-redeem', userId: 'olga', role: 'owner' });

    const flood = Promise.all(
      Array.from({ length: REDEEM_LIMIT * 4 }, () =>
        request(system.issuer.url).post(REDEEM_PATH).send({ key: 'not-a-renewal-key' }),
      ),
    );
    const revoked = await request(system.issuer.url)
      .post(`/v1/tokens/${victim.id}/revoke`)
      .set('Authorization', auth)
      .expect(200);
    const answers = await flood;

    expect(revoked.body).toMatchObject({ status: 'revoked' });
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(REDEEM_LIMIT * 3);
    expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
    const limited = answers.find((res) => res.status === 429);
    expect(limited?.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // (This source is over its verify-refusal limit by now, so the issuer's view tells.)
    const view = await request(system.issuer.url)
      .get(`/v1/tokens/${victim.id}`)
      .set('Authorization', auth)
      .expect(200);
    expect(view.body).toMatchObject({ status: 'revoked' });
  });

  it('limits the admin API per tenant: one tenant gets 429, another is unaffected', async () => {
    const flooding = await system.adminAuth({ tenantId: 'limits-flood', userId: 'fred', role: 'owner' });
    const calm = await system.adminAuth({ tenantId: 'limits-calm', userId: 'carl', role: 'owner' });

    const answers = await Promise.all(
      Array.from({ length: ADMIN_LIMIT + 10 }, () =>
        request(system.issuer.url).get('/v1/tokens').set('Authorization', flooding),
      ),
    );

    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(ADMIN_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(answers.find((res) => res.status === 429)?.body).toMatchObject({ code: 'RATE_LIMITED' });
    await request(system.issuer.url).get('/v1/tokens').set('Authorization', calm).expect(200);
  });
});
