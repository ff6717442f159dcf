import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { VERIFIER_PROTO_PATH, VerifyReason } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { verdict } from '../testing/fakes';
import { GrpcVerifyClient } from './grpc-verify-client';
import { HttpVerifyClient } from './http-verify-client';

const token = generateToken().token;
const fast = { initialBackoffMs: 1, maxBackoffMs: 5 };

describe('GrpcVerifyClient against a fake TokenVerifier', () => {
  let server: grpc.Server;
  let address: string;
  let script: Array<grpc.status | 'OK' | 'HANG'>;
  let requests: Array<Record<string, unknown>>;

  beforeAll(async () => {
    const definition = protoLoader.loadSync(VERIFIER_PROTO_PATH, { keepCase: false, defaults: true });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      latchkey: { verifier: { v1: { TokenVerifier: grpc.ServiceClientConstructor } } };
    };
    server = new grpc.Server();
    server.addService(pkg.latchkey.verifier.v1.TokenVerifier.service, {
      Verify: (
        call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        requests.push(call.request);
        const next = script.shift() ?? 'OK';
        if (next === 'HANG') return;
        if (next === 'OK') {
          callback(null, { ...verdict(VerifyReason.Ok), expiresAt: '', resources: ['p-1'] });
        } else {
          callback({ code: next, details: `scripted ${grpc.status[next]}` });
        }
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    address = `127.0.0.1:${port}`;
  });

  beforeEach(() => {
    requests = [];
  });

  afterAll(() => server.forceShutdown());

  it('sends the needs and reads the verdict, empty strings as null', async () => {
    script = ['OK'];
    const client = new GrpcVerifyClient({ address });
    try {
      const answer = await client.verify(token, { requiredScopes: ['projects:read'], resource: 'p-1' });
      expect(answer).toEqual({ ...verdict(VerifyReason.Ok), expiresAt: null, resources: ['p-1'] });
      expect(requests).toEqual([
        expect.objectContaining({
          token,
          requiredScopes: ['projects:read'],
          resource: 'p-1',
          callerEnforcesResources: false,
        }),
      ]);
    } finally {
      client.close();
    }
  });

  it('retries UNAVAILABLE, then answers', async () => {
    script = [grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE, 'OK'];
    const client = new GrpcVerifyClient({ address, retry: { ...fast, maxAttempts: 3 } });
    try {
      expect(await client.verify(token)).toMatchObject({ valid: true });
      expect(requests).toHaveLength(3);
    } finally {
      client.close();
    }
  });

  it('gives up after maxAttempts UNAVAILABLE', async () => {
    script = [grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE];
    const client = new GrpcVerifyClient({ address, retry: { ...fast, maxAttempts: 2 } });
    try {
      await expect(client.verify(token)).rejects.toMatchObject({
        kind: 'UNAVAILABLE',
        details: { grpcCode: grpc.status.UNAVAILABLE, attempts: 2 },
      });
      expect(requests).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it.each([
    [grpc.status.INTERNAL, 'REJECTED'],
    [grpc.status.RESOURCE_EXHAUSTED, 'RATE_LIMITED'],
    [grpc.status.INVALID_ARGUMENT, 'REJECTED'],
  ])('does not retry status %i (%s)', async (code, kind) => {
    script = [code, 'OK'];
    const client = new GrpcVerifyClient({ address, retry: fast });
    try {
      await expect(client.verify(token)).rejects.toMatchObject({ kind, details: { grpcCode: code } });
      expect(requests).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('stops at the deadline', async () => {
    script = ['HANG'];
    const client = new GrpcVerifyClient({ address, deadlineMs: 200 });
    try {
      const started = Date.now();
      await expect(client.verify(token)).rejects.toMatchObject({ kind: 'DEADLINE_EXCEEDED' });
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      client.close();
    }
  });

  it('answers a malformed token MALFORMED itself, or asks when told to', async () => {
    const client = new GrpcVerifyClient({ address });
    const asking = new GrpcVerifyClient({ address, checkFormat: false });
    try {
      expect(await client.verify('lk_not-a-token')).toMatchObject({
        valid: false,
        reason: 'MALFORMED',
        tokenId: null,
      });
      expect(requests).toHaveLength(0);
      script = ['OK'];
      await asking.verify('lk_not-a-token');
      expect(requests).toHaveLength(1);
    } finally {
      client.close();
      asking.close();
    }
  });
});

describe('HttpVerifyClient against a fake POST /v1/verify', () => {
  let server: Server;
  let baseUrl: string;
  let script: Array<number | 'HANG'>;
  let bodies: unknown[];
  let connections: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push({
          path: request.url,
          method: request.method,
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        const next = script.shift() ?? 200;
        if (next === 'HANG') return;
        response.statusCode = next;
        response.setHeader('content-type', next === 200 ? 'application/json' : 'application/problem+json');
        response.end(
          JSON.stringify(next === 200 ? verdict(VerifyReason.Ok) : { status: next, code: `CODE_${next}` }),
        );
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    bodies = [];
    connections = 0;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('posts the request to /v1/verify and reuses one connection', async () => {
    script = [];
    const client = new HttpVerifyClient({ baseUrl });
    try {
      for (let i = 0; i < 5; i++) {
        expect(await client.verify(token, { requiredScopes: ['a:b'] })).toEqual(verdict(VerifyReason.Ok));
      }
      expect(bodies[0]).toEqual({
        path: '/v1/verify',
        method: 'POST',
        body: { token, requiredScopes: ['a:b'] },
      });
      expect(connections).toBe(1);
    } finally {
      client.close();
    }
  });

  it('retries 503 (UNAVAILABLE), then answers', async () => {
    script = [503, 200];
    const client = new HttpVerifyClient({ baseUrl, retry: fast });
    try {
      expect(await client.verify(token)).toMatchObject({ valid: true });
      expect(bodies).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it.each([
    [400, 'REJECTED'],
    [429, 'RATE_LIMITED'],
    [500, 'REJECTED'],
  ])('does not retry %i (%s)', async (status, kind) => {
    script = [status, 200];
    const client = new HttpVerifyClient({ baseUrl, retry: fast });
    try {
      await expect(client.verify(token)).rejects.toMatchObject({
        kind,
        details: { httpStatus: status, code: `CODE_${status}` },
      });
      expect(bodies).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('retries a verifier that cannot be reached, then gives up', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = new HttpVerifyClient({
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { ...fast, maxAttempts: 3 },
    });
    try {
      await expect(client.verify(token)).rejects.toMatchObject({
        kind: 'UNAVAILABLE',
        details: { attempts: 3 },
      });
    } finally {
      client.close();
    }
  });

  it('stops at the deadline', async () => {
    script = ['HANG'];
    const client = new HttpVerifyClient({ baseUrl, deadlineMs: 200 });
    try {
      await expect(client.verify(token)).rejects.toMatchObject({ kind: 'DEADLINE_EXCEEDED' });
      expect(bodies).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('answers a malformed token MALFORMED without a request', async () => {
    const client = new HttpVerifyClient({ baseUrl });
    try {
      expect(await client.verify('')).toMatchObject({ valid: false, reason: 'MALFORMED' });
      expect(bodies).toHaveLength(0);
    } finally {
      client.close();
    }
  });
});
