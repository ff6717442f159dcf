import { Global, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { generateToken } from '@latchkey/token-format';
import request from 'supertest';
import type { App } from 'supertest/types';
import { VERIFIER_CONFIG } from '../config';
import {
  aTokenState,
  FakeUsageEventSink,
  InMemoryOwnerDirectory,
  InMemoryTokenStateCache,
  InMemoryTokenStore,
} from '../testing/fakes';
import { USAGE_EVENT_SINK } from '../usage/usage-event-sink';
import { configureHttp } from '../verifier.app';
import { OWNER_DIRECTORY } from './owner-directory';
import { TOKEN_STATE_CACHE } from './token-state-cache';
import { TOKEN_STORE } from './token-store';
import { VerificationModule } from './verification.module';

@Global()
@Module({
  providers: [
    {
      provide: VERIFIER_CONFIG,
      useValue: {
        TOKEN_CACHE_TTL_SECONDS: 300,
        CACHE_SIGNING_KEY: 'k'.repeat(32),
        NEGATIVE_CACHE_TTL_SECONDS: 30,
        USAGE_FLUSH_INTERVAL_MS: 60_000,
        VERIFIER_INSTANCE_ID: 'spec',
        TOKEN_SCOPE_CATALOG: ['projects:read', 'projects:write'],
      },
    },
  ],
  exports: [VERIFIER_CONFIG],
})
class FakeConfigModule {}

describe('POST /v1/verify', () => {
  let app: NestExpressApplication;
  let cache: InMemoryTokenStateCache;
  let store: InMemoryTokenStore;

  beforeEach(async () => {
    cache = new InMemoryTokenStateCache();
    store = new InMemoryTokenStore();
    const moduleRef = await Test.createTestingModule({ imports: [FakeConfigModule, VerificationModule] })
      .overrideProvider(TOKEN_STATE_CACHE)
      .useValue(cache)
      .overrideProvider(TOKEN_STORE)
      .useValue(store)
      .overrideProvider(OWNER_DIRECTORY)
      .useValue(new InMemoryOwnerDirectory())
      .overrideProvider(USAGE_EVENT_SINK)
      .useValue(new FakeUsageEventSink())
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
    configureHttp(app);
    await app.init();
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

  it('answers 503 VERIFIER_UNAVAILABLE when neither Redis nor Postgres answers', async () => {
    cache.down = true;
    store.down = true;

    const response = await verify({ token: generateToken().token }).expect(503);

    expect(JSON.parse(response.text)).toMatchObject({ status: 503, code: 'VERIFIER_UNAVAILABLE' });
  });
});
