import type { NestExpressApplication } from '@nestjs/platform-express';
import { generateToken } from '@latchkey/token-format';
import request from 'supertest';
import type { App } from 'supertest/types';
import { aTokenState, type InMemoryTokenStateCache, type InMemoryTokenStore } from '../testing/fakes';
import { verificationHttpApp } from '../testing/verification-http-app';

describe('POST /v1/verify', () => {
  let app: NestExpressApplication;
  let cache: InMemoryTokenStateCache;
  let store: InMemoryTokenStore;

  beforeEach(async () => {
    ({ app, cache, store } = await verificationHttpApp({
      catalog: ['projects:read', 'projects:write'],
      refusalLimit: 3,
    }));
  });

  afterEach(async () => {
    await app.close();
  });

  function verify(body: unknown): request.Test {
    return request(app.getHttpServer() as App)
      .post('/v1/verify')
      .send(body as object);
  }

  it('answers 200 with the identity of a valid token', async () => {
    const state = aTokenState().build();
    const { token, hash } = generateToken();
    store.records.set(hash, state);

    const response = await verify({ token }).expect(200);

    expect(response.body).toEqual({
      valid: true,
      reason: 'OK',
      tokenId: state.tokenId,
      tenantId: state.tenantId,
      ownerId: state.ownerId,
      expiresAt: null,
      effectivePermissions: ['projects:read', 'projects:write'],
      resources: [],
    });
  });

  it('answers 200 with nulls for a malformed token: a refusal is not an HTTP error', async () => {
    const response = await verify({ token: 'not-a-token' }).expect(200);

    expect(response.body).toEqual({
      valid: false,
      reason: 'MALFORMED',
      tokenId: null,
      tenantId: null,
      ownerId: null,
      expiresAt: null,
      effectivePermissions: [],
      resources: [],
    });
  });

  it('answers 200 for a revoked token', async () => {
    const { token, hash } = generateToken();
    store.records.set(hash, aTokenState().revoked().build());

    await verify({ token }).expect(200, /"reason":"REVOKED"/);
  });

  it.each([
    ['a missing token', {}],
    ['a token that is not a string', { token: 42 }],
    ['an unknown field', { token: generateToken().token, tenant: 'x' }],
    ['an array body', [{ token: 'x' }]],
  ])('rejects %s with a 400 problem', async (_case, body) => {
    const response = await verify(body)
      .expect(400)
      .expect('content-type', /application\/problem\+json/);

    expect(JSON.parse(response.text)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('rejects a body that is not JSON with a 400 problem', async () => {
    const response = await request(app.getHttpServer() as App)
      .post('/v1/verify')
      .set('content-type', 'application/json')
      .send('{"token":')
      .expect(400)
      .expect('content-type', /application\/problem\+json/);

    expect(JSON.parse(response.text)).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
  });

  it('rejects a body over 16kb with a 413 problem', async () => {
    const response = await verify({ token: 'x'.repeat(17 * 1024) }).expect(413);

    expect(JSON.parse(response.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers 429 RATE_LIMITED problem+json with Retry-After once the caller’s refusals pass the limit', async () => {
    for (let i = 0; i < 4; i++) {
      await verify({ token: generateToken().token }).expect(200);
    }

    const res = await verify({ token: generateToken().token }).expect(429);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 60 });
  });

  function raw(body: string, headers: Record<string, string> = {}): request.Test {
    const test = request(app.getHttpServer()).post('/v1/verify').set('content-type', 'application/json');
    for (const [name, value] of Object.entries(headers)) test.set(name, value);
    return test.send(body);
  }

  it.each([
    ['a NUL in the token', '{"token":"lk_\\u0000x"}'],
    ['a NUL in a key', '{"tok\\u0000en":"x"}'],
    ['another control character', '{"token":"x","resource":"a\\u001bb"}'],
    ['a lone high surrogate', '{"token":"\\ud800"}'],
    ['a lone low surrogate', '{"token":"x\\udc00y"}'],
  ])('refuses %s with 400 INVALID_CHARACTERS', async (_case, body) => {
    const response = await raw(body)
      .expect(400)
      .expect('content-type', /application\/problem\+json/);

    expect(JSON.parse(response.text)).toMatchObject({ status: 400, code: 'INVALID_CHARACTERS' });
  });

  it('accepts a surrogate pair and white space in free text', async () => {
    const response = await raw('{"token":"not a token \\ud83d\\ude00\\t\\n"}').expect(200);

    expect(response.body).toMatchObject({ valid: false, reason: 'MALFORMED' });
  });

  it('refuses a NUL in the query string with 400 INVALID_CHARACTERS', async () => {
    const response = await request(app.getHttpServer() as App)
      .post('/v1/verify?x=%00')
      .send({ token: 'x' })
      .expect(400);

    expect(JSON.parse(response.text)).toMatchObject({ code: 'INVALID_CHARACTERS' });
  });

  it('refuses JSON nested deeper than 64 levels with 400 BODY_TOO_DEEP, before parsing', async () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const response = await raw(`{"token":${deep}}`).expect(400);

    expect(JSON.parse(response.text)).toMatchObject({ code: 'BODY_TOO_DEEP', maxDepth: 64 });
    // Brackets inside strings do not count, and 64 levels are fine (then the field is simply mistyped).
    await raw(`{"token":"${'['.repeat(100)}"}`).expect(200);
    await raw(`{"token":${'['.repeat(63)}${']'.repeat(63)}}`).expect(400, /VALIDATION_FAILED/);
  });

  it.each(['gzip', 'br', 'deflate', 'x-unknown'])(
    'refuses Content-Encoding %s with 415 UNSUPPORTED_CONTENT_ENCODING',
    async (encoding) => {
      const response = await raw('{"token":"x"}', { 'content-encoding': encoding }).expect(415);

      expect(JSON.parse(response.text)).toMatchObject({ code: 'UNSUPPORTED_CONTENT_ENCODING' });
    },
  );

  it('answers 503 VERIFIER_UNAVAILABLE when neither Redis nor Postgres answers', async () => {
    cache.down = true;
    store.down = true;

    const response = await verify({ token: generateToken().token }).expect(503);

    expect(JSON.parse(response.text)).toMatchObject({ status: 503, code: 'VERIFIER_UNAVAILABLE' });
  });
});
