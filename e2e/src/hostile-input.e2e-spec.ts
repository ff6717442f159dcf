import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import request from 'supertest';
import { REDEEM_PATH } from '@latchkey/contracts';
import { signAdminJwt, waitFor } from '@latchkey/testing';
import { startSystem, type RunningSystem } from './support/system';

/** Sends raw bytes to a service and resolves with its whole answer (status line, head and body). */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

function expectProblem(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(JSON.parse(res.text)).toMatchObject({ status, code });
}

/**
 * Every hostile input the fuzzer found answered 500 (issue 10, items 7 and 9–15) gets a clear
 * problem+json 4xx from the real services, on the issuer and on the verifier.
 */
describe('hostile input at the edge', () => {
  let system: RunningSystem;
  let admin: string;
  const tenantId = `hostile-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.adminAuth({ tenantId, userId: 'alice', role: 'admin' });
  });

  afterAll(async () => {
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);
  const createToken = (body: unknown) =>
    issuer()
      .post('/v1/tokens')
      .set('Authorization', admin)
      .send(body as object);
  const json = (test: request.Test, body: string) => test.set('content-type', 'application/json').send(body);

  describe('far-future expiry (7)', () => {
    it('refuses an expiry date beyond MAX_TOKEN_LIFETIME_DAYS with 422 and audits one within', async () => {
      for (const expiresAt of ['+010000-01-01T00:00:00Z', '9999-12-31T00:00:00Z']) {
        expectProblem(await createToken({ name: 'far', expiresAt }), 422, 'MAX_LIFETIME_EXCEEDED');
      }
      const nearCap = new Date(Date.now() + 3649 * 86_400_000).toISOString();
      const created = await createToken({ name: 'near-cap', expiresAt: nearCap }).expect(201);
      // Its TokenCreated is read by the audit log's consumer, not dead-lettered.
      await waitFor(
        async () => {
          const log = await issuer()
            .get('/v1/audit-events')
            .query({ tokenId: created.body.id })
            .set('Authorization', admin);
          return (log.body as { items?: unknown[] }).items?.length === 1;
        },
        { timeoutMs: 20_000, intervalMs: 250, what: 'the TokenCreated audit entry' },
      );
    });
  });

  describe('control characters and lone surrogates (9, 14)', () => {
    it.each([
      ['a NUL in the name', '{"name":"a\\u0000b"}'],
      ['a NUL in the description', '{"name":"ok","description":"x\\u0000"}'],
      ['an escape character in a scope', '{"name":"ok","scopes":["projects:read\\u001b"]}'],
      ['a lone surrogate in the name', '{"name":"\\ud800"}'],
      ['a lone surrogate in the description', '{"name":"ok","description":"a\\udfffb"}'],
    ])('refuses %s with 400 INVALID_CHARACTERS', async (_case, body) => {
      expectProblem(
        await json(issuer().post('/v1/tokens').set('Authorization', admin), body),
        400,
        'INVALID_CHARACTERS',
      );
    });

    it('refuses a NUL in the query string, in a path parameter, and in a verify or redeem body', async () => {
      expectProblem(
        await issuer().get('/v1/tokens?name=a%00b').set('Authorization', admin),
        400,
        'INVALID_CHARACTERS',
      );
      expectProblem(
        await issuer().get('/v1/tokens/bob%00').set('Authorization', admin),
        400,
        'INVALID_CHARACTERS',
      );
      expectProblem(
        await json(request(system.verifier.url).post('/v1/verify'), '{"token":"lk_\\u0000"}'),
        400,
        'INVALID_CHARACTERS',
      );
      expectProblem(
        await json(issuer().post(REDEEM_PATH), '{"key":"lkr_\\u0000"}'),
        400,
        'INVALID_CHARACTERS',
      );
    });

    it.each([
      ['sub', { tenantId, userId: 'mallory\u0000' }],
      ['tid', { tenantId: `${tenantId}\u0000`, userId: 'mallory' }],
      ['email', { tenantId, userId: 'mallory', email: 'm\u0000@x.test' }],
    ])('refuses a validly signed admin JWT whose %s holds a NUL', async (_claim, claims) => {
      const jwt = await signAdminJwt(process.env.ADMIN_JWT_SECRET ?? '', claims);
      expectProblem(
        await issuer().get('/v1/tokens').set('Authorization', `Bearer ${jwt}`),
        400,
        'INVALID_CHARACTERS',
      );
    });
  });

  it('refuses a null expiresIn or expiresAt with 400 (10)', async () => {
    expectProblem(await createToken({ name: 'n', expiresIn: null }), 400, 'VALIDATION_FAILED');
    expectProblem(await createToken({ name: 'n', expiresAt: null }), 400, 'VALIDATION_FAILED');
  });

  it.each(['1e20', '1e308', '10001', 'Infinity'])('refuses page=%s with 400 (11)', async (page) => {
    for (const path of ['/v1/tokens', '/v1/audit-events']) {
      expectProblem(
        await issuer().get(path).query({ page }).set('Authorization', admin),
        400,
        'VALIDATION_FAILED',
      );
    }
  });

  it('serves the last allowed page, at the largest page size, (empty) rather than an error', async () => {
    const tokens = await issuer()
      .get('/v1/tokens')
      .query({ page: 10_000, pageSize: 100 })
      .set('Authorization', admin)
      .expect(200);
    expect(tokens.body.items).toEqual([]);
    const audit = await issuer()
      .get('/v1/audit-events')
      .query({ page: 10_000, pageSize: 200 })
      .set('Authorization', admin)
      .expect(200);
    expect(audit.body.items).toEqual([]);
  });

  it('refuses JSON nested 3,000 levels deep on every kind of body endpoint with 400 (12)', async () => {
    const deep = `{"name":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    const answers = await Promise.all([
      json(issuer().post('/v1/tokens').set('Authorization', admin), deep),
      json(issuer().post(REDEEM_PATH), deep),
      json(issuer().post('/v1/tokens'), deep),
      json(request(system.verifier.url).post('/v1/verify'), deep),
    ]);
    for (const res of answers) expectProblem(res, 400, 'BODY_TOO_DEEP');
  });

  it.each(['gzip', 'br'])(
    'refuses Content-Encoding %s on a body that is not compressed with 415 (13)',
    async (encoding) => {
      const body = '{"name":"plain"}';
      for (const test of [
        issuer().post('/v1/tokens').set('Authorization', admin),
        issuer().post(REDEEM_PATH),
        request(system.verifier.url).post('/v1/verify'),
      ]) {
        expectProblem(
          await json(test.set('content-encoding', encoding), body),
          415,
          'UNSUPPORTED_CONTENT_ENCODING',
        );
      }
    },
  );

  it('answers a request head over 16 KB with a 431 problem on the issuer and the verifier (15)', async () => {
    for (const url of [system.issuer.url, system.verifier.url]) {
      const answer = await rawExchange(
        url,
        `GET /v1/tokens HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 431 /);
      expect(head).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    }
  });
});
