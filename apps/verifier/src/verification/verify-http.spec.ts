import express from 'express';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { VerifyReason, type VerifyResponse } from '@latchkey/contracts';
import { answerClientErrorsAsProblems } from '@latchkey/service-runtime';
import { expressCallerAddress } from '../verifier.app';
import { VerificationError } from './verification.errors';
import type { VerifyNeeds } from './verification.service';
import { send, type RawCase } from '../testing/verify-http-cases';
import { isVerifyRequest, VERIFY_BODY_LIMIT_BYTES, VerifyHttpHandler } from './verify-http';

const OK: VerifyResponse = {
  valid: true,
  reason: VerifyReason.Ok,
  tokenId: 't1',
  tenantId: 'acme',
  ownerId: 'u1',
  expiresAt: null,
  effectivePermissions: ['projects:read'],
  resources: [],
};

/** A VerificationService stand-in: records its calls, answers `next` (a verdict or an error). */
class FakeVerification {
  readonly calls: Array<{ token: string; needs: VerifyNeeds; caller: string | undefined }> = [];
  next: () => Promise<VerifyResponse> = () => Promise.resolve(OK);

  readonly nowCalls: Array<{ token: string; needs: VerifyNeeds; caller: string | undefined }> = [];
  /** The immediate answer: none (a load is needed) unless a test gives one. */
  now: () => VerifyResponse | undefined = () => undefined;

  verify(token: string, needs: VerifyNeeds = {}, caller?: string): Promise<VerifyResponse> {
    this.calls.push({ token, needs, caller });
    return this.next();
  }

  verifyNow(token: string, needs: VerifyNeeds = {}, caller?: string): VerifyResponse | undefined {
    this.nowCalls.push({ token, needs, caller });
    return this.now();
  }
}

describe('VerifyHttpHandler', () => {
  let server: Server;
  let verification: FakeVerification;

  beforeEach(async () => {
    verification = new FakeVerification();
    const handler = new VerifyHttpHandler(
      verification,
      (req) => `peer:${String(req.headers['x-caller'] ?? '?')}`,
    );
    server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => handler.handle(req, res));
    answerClientErrorsAsProblems(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const json = { 'content-type': 'application/json' };
  const post = (body: string, headers: Record<string, string> = json, extra: Partial<RawCase> = {}) =>
    send(server, { name: 'spec', body, headers, ...extra });
  const problemOf = (answer: { body: string }) => JSON.parse(answer.body) as Record<string, unknown>;

  it('answers 200 with the verdict, passing the fields, the caller address and the flag', async () => {
    const answer = await post(
      '{"token":"lk_x","requiredScopes":["projects:read"],"resource":"p1","callerEnforcesResources":true}',
      { ...json, 'x-caller': 'a' },
    );

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answer.body)).toEqual(OK);
    expect(verification.calls).toEqual([
      {
        token: 'lk_x',
        needs: { requiredScopes: ['projects:read'], resource: 'p1', callerEnforcesResources: true },
        caller: 'peer:a',
      },
    ]);
  });

  it('answers a verdict the service gives at once without asking it to load anything', async () => {
    verification.now = () => OK;

    const answer = await post('{"token":"lk_x","resource":"p1"}', { ...json, 'x-caller': 'b' });

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(OK);
    expect(verification.nowCalls).toEqual([
      {
        token: 'lk_x',
        needs: { requiredScopes: undefined, resource: 'p1', callerEnforcesResources: false },
        caller: 'peer:b',
      },
    ]);
    expect(verification.calls).toEqual([]);
  });

  it('answers 429 when the immediate answer refuses the caller', async () => {
    verification.now = () => {
      throw VerificationError.rateLimited(7);
    };

    const answer = await post('{"token":"lk_x"}');

    expect(answer.status).toBe(429);
    expect(answer.retryAfter).toBe('7');
    expect(problemOf(answer)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(verification.calls).toEqual([]);
  });

  it('passes absent optional fields as absent and the flag as false', async () => {
    await post('{"token":"lk_x"}');

    expect(verification.calls[0].needs).toEqual({
      requiredScopes: undefined,
      resource: undefined,
      callerEnforcesResources: false,
    });
  });

  it.each([
    ['a missing token', '{}', ['token must be a string']],
    ['an unknown field', '{"token":"x","tenant":"t"}', ['property tenant should not exist']],
    [
      '51 scopes',
      JSON.stringify({ token: 'x', requiredScopes: Array(51).fill('s') }),
      ['requiredScopes must contain no more than 50 elements'],
    ],
    [
      'a 129-character resource',
      JSON.stringify({ token: 'x', resource: 'r'.repeat(129) }),
      ['resource must be shorter than or equal to 128 characters'],
    ],
    [
      'a string flag',
      '{"token":"x","callerEnforcesResources":"yes"}',
      ['callerEnforcesResources must be a boolean value'],
    ],
    [
      'a caller name with a space',
      '{"token":"x","caller":"billing api"}',
      ['caller must match ^[A-Za-z0-9][A-Za-z0-9._:/-]*$ regular expression'],
    ],
    [
      'a 65-character caller name',
      JSON.stringify({ token: 'x', caller: 'c'.repeat(65) }),
      ['caller must be shorter than or equal to 64 characters'],
    ],
    ['a caller that is not a string', '{"token":"x","caller":7}', ['caller must be a string']],
    [
      'an empty caller name',
      '{"token":"x","caller":""}',
      ['caller must match ^[A-Za-z0-9][A-Za-z0-9._:/-]*$ regular expression'],
    ],
  ])('refuses %s with 400 VALIDATION_FAILED naming every violation', async (_case, body, errors) => {
    const answer = await post(body);

    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/problem+json; charset=utf-8');
    expect(problemOf(answer)).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors,
      detail: errors.join('; '),
    });
    expect(verification.calls).toHaveLength(0);
  });

  it.each([
    ['not JSON', 'MALFORMED_BODY', '{"token":'],
    ['a JSON scalar', 'MALFORMED_BODY', '"lk_x"'],
    ['too deep', 'BODY_TOO_DEEP', `{"token":${'['.repeat(65)}${']'.repeat(65)}}`],
    ['a NUL', 'INVALID_CHARACTERS', '{"token":"a\\u0000"}'],
    ['a lone surrogate', 'INVALID_CHARACTERS', '{"resource":"\\udc00","token":"x"}'],
  ])('refuses %s with 400 %s', async (_case, code, body) => {
    const answer = await post(body);

    expect(answer.status).toBe(400);
    expect(problemOf(answer)).toMatchObject({ status: 400, code, instance: '/v1/verify' });
    expect(verification.calls).toHaveLength(0);
  });

  it('refuses unsafe text in the query string with 400 INVALID_CHARACTERS', async () => {
    const answer = await post('{"token":"x"}', json, { path: '/v1/verify?a=%01' });

    expect(problemOf(answer)).toMatchObject({ status: 400, code: 'INVALID_CHARACTERS', location: 'query.a' });
  });

  it('refuses a declared body over 16 KB with 413 before reading it', async () => {
    const answer = await post(`{"token":"${'x'.repeat(VERIFY_BODY_LIMIT_BYTES)}"}`);

    expect(answer.status).toBe(413);
    expect(problemOf(answer)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses a chunked body once it passes 16 KB with 413', async () => {
    const answer = await post(`{"token":"${'x'.repeat(VERIFY_BODY_LIMIT_BYTES)}"}`, json, { chunked: true });

    expect(answer.status).toBe(413);
    expect(problemOf(answer)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it.each([
    ['a Content-Encoding', { ...json, 'content-encoding': 'gzip' }, 'UNSUPPORTED_CONTENT_ENCODING'],
    [
      'a charset other than UTF',
      { 'content-type': 'application/json; charset=latin1' },
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a UTF charset nobody decodes',
      { 'content-type': 'application/json; charset=utf-9' },
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('refuses %s with 415', async (_case, headers, code) => {
    const answer = await post('{"token":"x"}', headers);

    expect(answer.status).toBe(415);
    expect(problemOf(answer)).toMatchObject({ status: 415, code });
  });

  it('reads a UTF-16 body as the framework did', async () => {
    const body = Buffer.from('{"token":"lk_16"}', 'utf16le');
    await send(server, {
      name: 'utf-16',
      body,
      headers: { 'content-type': 'application/json; charset=utf-16le' },
    });

    expect(verification.calls[0].token).toBe('lk_16');
  });

  it('treats a body that is not declared JSON as {}: the token is missing', async () => {
    const answer = await post('{"token":"x"}', { 'content-type': 'text/plain' });

    expect(problemOf(answer)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: ['token must be a string'],
    });
  });

  it('answers 429 RATE_LIMITED with Retry-After when the service refuses the caller', async () => {
    verification.next = () => Promise.reject(VerificationError.rateLimited(42));

    const answer = await post('{"token":"x"}');

    expect(answer.status).toBe(429);
    expect(answer.retryAfter).toBe('42');
    expect(problemOf(answer)).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 42 });
  });

  it('answers 503 VERIFIER_UNAVAILABLE with Retry-After: 1 when the service cannot check', async () => {
    verification.next = () => Promise.reject(VerificationError.unavailable());

    const answer = await post('{"token":"x"}');

    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('1');
    expect(problemOf(answer)).toMatchObject({ status: 503, code: 'VERIFIER_UNAVAILABLE' });
  });

  it('answers an unexpected failure as the filter does: a bare 500 that leaks nothing', async () => {
    verification.next = () => Promise.reject(new Error('secret detail'));

    const answer = await post('{"token":"x"}');

    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('secret');
    expect(problemOf(answer)).toMatchObject({ code: 'INTERNAL' });
  });

  it('answers a head over 16 KB with 431 problem+json (the server refuses it before the handler)', async () => {
    const answer = await post('{"token":"x"}', { ...json, 'x-big': 'b'.repeat(17 * 1024) });

    expect(answer.status).toBe(431);
    expect(problemOf(answer)).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
    expect(verification.calls).toHaveLength(0);
  });

  it('survives a client that goes away in the middle of the body, and keeps answering', async () => {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"tok',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });

    expect((await post('{"token":"x"}')).status).toBe(200);
    expect(verification.calls).toHaveLength(1);
  });
});

describe('isVerifyRequest', () => {
  const request = (method: string, url: string) => ({ method, url }) as IncomingMessage;

  it.each([
    ['POST', '/v1/verify', true],
    ['POST', '/v1/verify?x=1', true],
    ['POST', '/v1/verify/', true],
    ['POST', '/V1/Verify', true],
    ['GET', '/v1/verify', false],
    ['OPTIONS', '/v1/verify', false],
    ['POST', '/v1//verify', false],
    ['POST', '/v1/verify.json', false],
    ['POST', '/v1/%76erify', false],
    ['POST', '/health', false],
  ])('%s %s: %s', (method, url, expected) => {
    expect(isVerifyRequest(request(method, url))).toBe(expected);
  });
});

describe('expressCallerAddress', () => {
  const callerOf = (trustProxy: boolean | number | string, forwardedFor?: string) => {
    const app = express();
    app.set('trust proxy', trustProxy);
    const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
    return expressCallerAddress(app)({
      headers,
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage);
  };

  it('is the TCP peer unless a proxy is trusted (TRUST_PROXY=false)', () => {
    expect(callerOf(false, '203.0.113.9')).toBe('127.0.0.1');
  });

  it('is the client a trusted proxy names (TRUST_PROXY=true, a hop count or addresses)', () => {
    expect(callerOf(true, '203.0.113.9, 10.0.0.1')).toBe('203.0.113.9');
    expect(callerOf(1, '203.0.113.9, 10.0.0.1')).toBe('10.0.0.1');
    expect(callerOf('loopback', '203.0.113.9')).toBe('203.0.113.9');
    expect(callerOf('10.0.0.0/8', '203.0.113.9')).toBe('127.0.0.1');
  });
});
