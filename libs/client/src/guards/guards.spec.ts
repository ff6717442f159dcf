import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VerifyReason } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { FakeVerifier, verdict } from '../testing/fakes';
import { VerifyError } from '../verify/errors';
import type { Verdict } from '../verify/types';
import { authorize } from './authorize';
import { latchkey, type LatchkeyRequest } from './express';
import { latchkeyHook, type FastifyReplyLike } from './fastify';

const token = generateToken().token;
const bearer = `Bearer ${token}`;

describe('authorize', () => {
  it('passes the route needs and lets a valid token through with its verdict', async () => {
    const verifier = new FakeVerifier(() => Promise.resolve(verdict(VerifyReason.Ok)));
    const decision = await authorize(
      verifier,
      bearer,
      { id: 'p-1' },
      {
        requiredScopes: ['projects:read'],
        resource: (request: { id: string }) => request.id,
      },
    );
    expect(decision).toEqual({ ok: true, verdict: verdict(VerifyReason.Ok) });
    expect(verifier.calls).toEqual([
      {
        token,
        needs: { requiredScopes: ['projects:read'], resource: 'p-1', callerEnforcesResources: undefined },
      },
    ]);
  });

  it.each([
    [VerifyReason.NotFound, 401],
    [VerifyReason.Revoked, 401],
    [VerifyReason.Expired, 401],
    [VerifyReason.OwnerInactive, 401],
    [VerifyReason.PlanInactive, 401],
    ['SOMETHING_NEWER' as VerifyReason, 401],
    [VerifyReason.InsufficientScope, 403],
    [VerifyReason.ResourceForbidden, 403],
    [VerifyReason.ResourceRequired, 403],
  ])('answers %s with %i and the reason as code', async (reason, status) => {
    const verifier = new FakeVerifier(() => Promise.resolve(verdict(reason)));
    const decision = await authorize(verifier, bearer, {}, { requiredScopes: ['a:b'] });
    expect(decision).toMatchObject({
      ok: false,
      status,
      problem: {
        type: `https://latchkey.dev/problems/${reason.toLowerCase().replaceAll('_', '-')}`,
        status,
        code: reason,
        detail: expect.any(String),
      },
      headers: {
        'WWW-Authenticate':
          status === 401 ? 'Bearer error="invalid_token"' : 'Bearer error="insufficient_scope", scope="a:b"',
      },
    });
  });

  it.each([
    ['no header', undefined, 'UNAUTHENTICATED'],
    ['another scheme', `Basic ${token}`, 'MALFORMED'],
    ['an empty bearer', 'Bearer ', 'MALFORMED'],
    ['a truncated token', bearer.slice(0, -1), 'MALFORMED'],
    ['a mistyped token', bearer.slice(0, -1) + (bearer.endsWith('a') ? 'b' : 'a'), 'MALFORMED'],
    ['another vendor token', 'Bearer ghp_' + 'a'.repeat(40), 'MALFORMED'],
  ])('refuses %s with 401 without calling the verifier', async (_label, header, code) => {
    const verifier = new FakeVerifier(() => Promise.resolve(verdict(VerifyReason.Ok)));
    expect(await authorize(verifier, header, {}, {})).toMatchObject({
      ok: false,
      status: 401,
      problem: { code },
    });
    expect(verifier.calls).toHaveLength(0);
  });

  it('accepts the scheme in any case', async () => {
    const verifier = new FakeVerifier(() => Promise.resolve(verdict(VerifyReason.Ok)));
    expect(await authorize(verifier, `bearer ${token}`, {}, {})).toMatchObject({ ok: true });
  });

  it('fails closed with 503 when the verifier gives no verdict', async () => {
    const verifier = new FakeVerifier(() => Promise.reject(new VerifyError('UNAVAILABLE', 'down')));
    expect(await authorize(verifier, bearer, {}, {})).toMatchObject({
      ok: false,
      status: 503,
      headers: { 'Retry-After': '1' },
      problem: { code: 'VERIFIER_UNAVAILABLE' },
    });
  });
});

describe('the Express/Connect middleware', () => {
  let server: Server;
  let url: string;
  let answer: () => Promise<ReturnType<typeof verdict>>;
  const verifier = new FakeVerifier(() => answer());

  beforeAll(async () => {
    const guard = latchkey(verifier, { requiredScopes: ['projects:read'] });
    server = createServer((request: IncomingMessage & LatchkeyRequest, response) => {
      guard(request, response, (error) => {
        response.statusCode = error ? 500 : 200;
        response.end(JSON.stringify({ through: request.latchkey?.tokenId }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('lets an accepted token through with the verdict on the request', async () => {
    answer = () => Promise.resolve(verdict(VerifyReason.Ok));
    const res = await fetch(url, { headers: { authorization: bearer } });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 200,
      body: { through: 'tok-1' },
    });
  });

  it('answers a refusal as problem+json and never reaches the handler', async () => {
    answer = () => Promise.resolve(verdict(VerifyReason.InsufficientScope));
    const res = await fetch(url, { headers: { authorization: bearer } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="projects:read"',
    );
    expect(await res.json()).toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE', title: 'Forbidden' });
  });

  it('passes an unexpected error to next()', async () => {
    answer = () => Promise.reject(new Error('bug'));
    const res = await fetch(url, { headers: { authorization: bearer } });
    expect(res.status).toBe(500);
  });
});

describe('the Fastify hook', () => {
  const reply = () => {
    const sent: { status?: number; headers: Record<string, string>; payload?: unknown } = { headers: {} };
    const object: FastifyReplyLike = {
      code: (status) => ((sent.status = status), object),
      header: (name, value) => ((sent.headers[name.toLowerCase()] = value), object),
      send: (payload) => ((sent.payload = payload), object),
    };
    return { object, sent };
  };

  it('sets the verdict and lets the handler run', async () => {
    const hook = latchkeyHook(new FakeVerifier(() => Promise.resolve(verdict(VerifyReason.Ok))));
    const request: { headers: Record<string, string>; latchkey?: Verdict } = {
      headers: { authorization: bearer },
    };
    const { object, sent } = reply();
    expect(await hook(request, object)).toBeUndefined();
    expect(request.latchkey).toEqual(verdict(VerifyReason.Ok));
    expect(sent.status).toBeUndefined();
  });

  it('replies a refusal as problem+json and returns the reply', async () => {
    const hook = latchkeyHook(new FakeVerifier(() => Promise.resolve(verdict(VerifyReason.Revoked))));
    const { object, sent } = reply();
    expect(await hook({ headers: { authorization: bearer } }, object)).toBe(object);
    expect(sent.status).toBe(401);
    expect(sent.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(String(sent.payload))).toMatchObject({ code: 'REVOKED', status: 401 });
  });
});
