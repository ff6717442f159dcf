import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  createAdminClient,
  GrpcVerifyClient,
  HttpVerifyClient,
  latchkey,
  type AdminClient,
  type LatchkeyRequest,
  type TokenVerifier,
  type Verdict,
  type VerifyNeeds,
} from '@latchkey/client';
import { VERIFIER_PROTO_PATH } from '@latchkey/contracts';
import { freePort } from '@latchkey/testing';
import { generateToken } from '@latchkey/token-format';
import { startSystem, type RunningSystem } from './support/system';

const TENANT = `sdk-${process.env.LATCHKEY_TEST_RUN_ID ?? 'adhoc'}-${Date.now()}`;

/** Counts the verifications that reach `inner` (the guard's only way to the verifier). */
class CountingVerifier implements TokenVerifier {
  calls = 0;

  constructor(private readonly inner: TokenVerifier) {}

  verify(token: string, needs?: VerifyNeeds): Promise<Verdict> {
    this.calls++;
    return this.inner.verify(token, needs);
  }
}

/** A TokenVerifier gRPC server of our own: answers the statuses it is given, then asks the real verifier. */
async function scriptedVerifier(
  real: GrpcVerifyClient,
): Promise<{ address: string; script: grpc.status[]; calls: () => number; close: () => void }> {
  const definition = protoLoader.loadSync(VERIFIER_PROTO_PATH, { keepCase: false, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    latchkey: { verifier: { v1: { TokenVerifier: grpc.ServiceClientConstructor } } };
  };
  const script: grpc.status[] = [];
  let calls = 0;
  const server = new grpc.Server();
  server.addService(pkg.latchkey.verifier.v1.TokenVerifier.service, {
    Verify: (
      call: grpc.ServerUnaryCall<{ token: string; requiredScopes: string[] }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      calls++;
      const next = script.shift();
      if (next !== undefined) {
        callback({ code: next, details: `scripted ${grpc.status[next]}` });
        return;
      }
      real.verifyWire(call.request.token, { requiredScopes: call.request.requiredScopes }).then(
        (answer) => callback(null, answer),
        (error: Error) => callback({ code: grpc.status.INTERNAL, details: error.message }),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, script, calls: () => calls, close: () => server.forceShutdown() };
}

/**
 * The client SDK (@latchkey/client) against the running issuer and verifier: its admin client creates
 * and revokes tokens, its verify clients ask the verifier over gRPC and HTTP, and its Express
 * middleware protects a real Express app.
 */
describe('client SDK', () => {
  let system: RunningSystem;
  let admin: AdminClient;
  let grpcClient: GrpcVerifyClient;
  let httpClient: HttpVerifyClient;

  beforeAll(async () => {
    system = await startSystem();
    const jwt = (await system.adminAuth({ tenantId: TENANT, userId: 'sam', role: 'owner' })).replace(
      /^Bearer /,
      '',
    );
    admin = createAdminClient({ baseUrl: system.issuer.url, adminToken: () => jwt });
    grpcClient = new GrpcVerifyClient({ address: system.env.VERIFIER_GRPC_URL ?? '' });
    httpClient = new HttpVerifyClient({ baseUrl: system.verifier.url });
  });

  afterAll(async () => {
    grpcClient?.close();
    httpClient?.close();
    await system?.close();
  });

  const create = async (name: string, scopes: string[]) => {
    const { data, error, response } = await admin.POST('/v1/tokens', {
      body: { name, scopes, purpose: 'integration' },
    });
    expect({ status: response.status, error }).toEqual({ status: 201, error: undefined });
    return { id: data!.id, token: data!.token };
  };

  it('the typed admin client creates, reads and revokes tokens, and reports problems as typed errors', async () => {
    const { id } = await create('sdk admin', ['projects:read']);
    const read = await admin.GET('/v1/tokens/{id}', { params: { path: { id } } });
    expect(read.data).toMatchObject({ id, name: 'sdk admin', status: 'active', scopes: ['projects:read'] });
    const revoked = await admin.POST('/v1/tokens/{id}/revoke', { params: { path: { id } } });
    expect(revoked.data).toMatchObject({ id, status: 'revoked' });
    const missing = await admin.GET('/v1/tokens/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.error).toMatchObject({ status: 404, code: expect.any(String) });
  });

  describe.each([
    ['gRPC', () => grpcClient as TokenVerifier],
    ['HTTP', () => httpClient as TokenVerifier],
  ])('the Express middleware over the %s verify client', (_transport, client) => {
    let server: Server;
    let base: string;
    let counting: CountingVerifier;
    let reader: { id: string; token: string };

    beforeAll(async () => {
      counting = new CountingVerifier(client());
      const app = express();
      app.get('/projects', latchkey(counting, { requiredScopes: ['projects:read'] }), (req, res) => {
        const { tokenId, tenantId } = (req as LatchkeyRequest).latchkey!;
        res.json({ tokenId, tenantId });
      });
      app.delete('/projects/:id', latchkey(counting, { requiredScopes: ['projects:write'] }), (_req, res) => {
        res.status(204).end();
      });
      const port = await freePort();
      server = await new Promise<Server>((resolve) => {
        const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      reader = await create(`sdk reader ${_transport}`, ['projects:read']);
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const call = (path: string, authorization?: string, method = 'GET') =>
      fetch(base + path, { method, headers: authorization ? { authorization } : {} });

    const expectProblem = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status, code, type: expect.stringContaining('latchkey.dev') });
    };

    it('lets a token with the scope through, with its verdict on the request', async () => {
      const res = await call('/projects', `Bearer ${reader.token}`);
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 200,
        body: { tokenId: reader.id, tenantId: TENANT },
      });
    });

    it('answers 403 INSUFFICIENT_SCOPE to a token without the scope the route requires', async () => {
      const res = await call('/projects/p-1', `Bearer ${reader.token}`, 'DELETE');
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", scope="projects:write"',
      );
      await expectProblem(res, 403, 'INSUFFICIENT_SCOPE');
    });

    it('answers 401 NOT_FOUND to a well-formed token nobody issued', async () => {
      await expectProblem(await call('/projects', `Bearer ${generateToken().token}`), 401, 'NOT_FOUND');
    });

    it('answers 401 REVOKED once the token is revoked', async () => {
      const doomed = await create(`sdk doomed ${_transport}`, ['projects:read']);
      expect((await call('/projects', `Bearer ${doomed.token}`)).status).toBe(200);
      const revoked = await admin.POST('/v1/tokens/{id}/revoke', { params: { path: { id: doomed.id } } });
      expect(revoked.response.status).toBe(200);
      await expectProblem(await call('/projects', `Bearer ${doomed.token}`), 401, 'REVOKED');
    });

    it('refuses a missing or malformed token with 401 and no verification', async () => {
      const before = counting.calls;
      await expectProblem(await call('/projects'), 401, 'UNAUTHENTICATED');
      await expectProblem(await call('/projects', `Bearer ${reader.token.slice(0, -1)}x`), 401, 'MALFORMED');
      await expectProblem(await call('/projects', 'Bearer lk_short'), 401, 'MALFORMED');
      await expectProblem(await call('/projects', `Basic ${reader.token}`), 401, 'MALFORMED');
      expect(counting.calls).toBe(before);
      // And the counter does count: a well-formed token is verified.
      await call('/projects', `Bearer ${reader.token}`);
      expect(counting.calls).toBe(before + 1);
    });
  });

  it('gRPC and HTTP verify clients give the same verdict for the same token and needs', async () => {
    const { id, token } = await create('sdk both', ['projects:read']);
    const needs = { requiredScopes: ['projects:read'] };
    const [overGrpc, overHttp] = await Promise.all([
      grpcClient.verify(token, needs),
      httpClient.verify(token, needs),
    ]);
    expect(overGrpc).toEqual(overHttp);
    expect(overGrpc).toMatchObject({
      valid: true,
      reason: 'OK',
      tokenId: id,
      tenantId: TENANT,
      expiresAt: null,
    });
  });

  it('a verify client answers a malformed token MALFORMED without any network call', async () => {
    // Clients pointed at nothing: an answer can only come from the client itself.
    const nowhere = await freePort();
    const grpcNowhere = new GrpcVerifyClient({ address: `127.0.0.1:${nowhere}`, retry: { maxAttempts: 1 } });
    const httpNowhere = new HttpVerifyClient({
      baseUrl: `http://127.0.0.1:${nowhere}`,
      retry: { maxAttempts: 1 },
    });
    try {
      for (const client of [grpcNowhere, httpNowhere]) {
        expect(await client.verify('lk_not-a-token')).toMatchObject({ valid: false, reason: 'MALFORMED' });
        await expect(client.verify(generateToken().token)).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
      }
    } finally {
      grpcNowhere.close();
      httpNowhere.close();
    }
  });

  describe('retries', () => {
    it('retries UNAVAILABLE over gRPC and then gets the real verdict', async () => {
      const { id, token } = await create('sdk retried', ['projects:read']);
      const scripted = await scriptedVerifier(grpcClient);
      const client = new GrpcVerifyClient({
        address: scripted.address,
        retry: { maxAttempts: 3, initialBackoffMs: 20 },
      });
      try {
        scripted.script.push(grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE);
        expect(await client.verify(token)).toMatchObject({ valid: true, reason: 'OK', tokenId: id });
        expect(scripted.calls()).toBe(3);
      } finally {
        client.close();
        scripted.close();
      }
    });

    it.each([
      [grpc.status.INTERNAL, 'REJECTED'],
      [grpc.status.RESOURCE_EXHAUSTED, 'RATE_LIMITED'],
      [grpc.status.PERMISSION_DENIED, 'REJECTED'],
    ])('does not retry gRPC status %i', async (code, kind) => {
      const scripted = await scriptedVerifier(grpcClient);
      const client = new GrpcVerifyClient({
        address: scripted.address,
        retry: { maxAttempts: 3, initialBackoffMs: 20 },
      });
      try {
        scripted.script.push(code);
        await expect(client.verify(generateToken().token)).rejects.toMatchObject({
          kind,
          details: { grpcCode: code },
        });
        expect(scripted.calls()).toBe(1);
      } finally {
        client.close();
        scripted.close();
      }
    });

    it('rides out a verifier restart over both transports, retrying while it is down', async () => {
      const { token } = await create('sdk restart', ['projects:read']);
      const patientGrpc = new GrpcVerifyClient({
        address: system.env.VERIFIER_GRPC_URL ?? '',
        deadlineMs: 60_000,
        retry: { maxAttempts: 10, initialBackoffMs: 200, maxBackoffMs: 5_000 },
      });
      const patientHttp = new HttpVerifyClient({
        baseUrl: system.verifier.url,
        deadlineMs: 60_000,
        retry: { maxAttempts: 10, initialBackoffMs: 200, maxBackoffMs: 5_000 },
      });
      try {
        expect(await patientGrpc.verify(token)).toMatchObject({ reason: 'OK' });
        expect(await patientHttp.verify(token)).toMatchObject({ reason: 'OK' });
        await system.verifier.stop();
        // Down: a client with one attempt gets UNAVAILABLE at once.
        const impatient = new HttpVerifyClient({ baseUrl: system.verifier.url, retry: { maxAttempts: 1 } });
        await expect(impatient.verify(token)).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
        impatient.close();
        // Calls made while it is down are retried until it is back.
        const pending = Promise.all([patientGrpc.verify(token), patientHttp.verify(token)]);
        await system.restart('verifier');
        expect(await pending).toEqual([
          expect.objectContaining({ reason: 'OK' }),
          expect.objectContaining({ reason: 'OK' }),
        ]);
      } finally {
        patientGrpc.close();
        patientHttp.close();
      }
    });
  });
});
