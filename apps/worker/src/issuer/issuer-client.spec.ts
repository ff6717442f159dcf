import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InternalTokenState, RenewalOffer } from '@latchkey/contracts';
import { IssuerClient } from './issuer-client';

const SECRET = 'internal-secret-for-tests-0123456789abcdef';

interface Answer {
  status: number;
  body?: unknown;
  delayMs?: number;
  contentType?: string;
}

interface FakeIssuer {
  server: Server;
  baseUrl: string;
  requests: { method?: string; url?: string; authorization?: string; body: string }[];
  answer: (request: IncomingMessage) => Answer;
}

async function startIssuer(): Promise<FakeIssuer> {
  const fake = { requests: [], answer: () => ({ status: 500 }) } as unknown as FakeIssuer;
  fake.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      fake.requests.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      });
      const { status, body, delayMs, contentType } = fake.answer(request);
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(
          status,
          body === undefined ? {} : { 'content-type': contentType ?? 'application/json' },
        );
        response.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
      }, delayMs ?? 0).unref();
    });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

const tokenState: InternalTokenState = {
  id: '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f',
  tenantId: 'acme',
  name: 'ci',
  status: 'active',
  expiresAt: '2025-06-01T00:00:00.000Z',
  createdBy: 'u1',
  createdByEmail: 'dev@example.com',
  autoRenewal: null,
  replacedByTokenId: null,
};

const offer: Omit<RenewalOffer, 'delivery'> = {
  id: 'offer-1',
  tokenId: tokenState.id,
  tenantId: 'acme',
  status: 'pending',
  createdAt: '2025-05-01T10:00:00.000Z',
  windowEndsAt: '2025-05-01T12:00:00.000Z',
  nextRenewalAt: '2025-05-02T10:00:00.000Z',
};

const problem = (status: number, code: string) => ({
  status,
  contentType: 'application/problem+json',
  body: { type: 'about:blank', status, code, detail: `because ${code}` },
});

describe('IssuerClient', () => {
  let issuer: FakeIssuer;
  let client: IssuerClient;

  beforeEach(async () => {
    issuer = await startIssuer();
    client = new IssuerClient({ baseUrl: `${issuer.baseUrl}/`, secret: SECRET, timeoutMs: 500 });
  });
  afterEach(async () => {
    issuer.server.closeAllConnections();
    await new Promise<void>((resolve) => issuer.server.close(() => resolve()));
  });

  it('reads a token with the service credential', async () => {
    issuer.answer = () => ({ status: 200, body: tokenState });
    expect(await client.getToken(tokenState.id)).toEqual({ kind: 'ok', value: tokenState });
    expect(issuer.requests).toEqual([
      {
        method: 'GET',
        url: `/internal/v1/tokens/${tokenState.id}`,
        authorization: `Bearer ${SECRET}`,
        body: '',
      },
    ]);
  });

  it('opens a renewal offer for the scheduled due time (201 new, 200 the same again)', async () => {
    issuer.answer = () => ({ status: 201, body: offer });
    // An answer without `delivery` (an issuer from before callback-less renewals) means a callback.
    expect(await client.openRenewalOffer(tokenState.id, '2025-05-01T10:00:00.000Z')).toEqual({
      kind: 'ok',
      value: { ...offer, delivery: 'callback' },
    });
    issuer.answer = () => ({ status: 201, body: { ...offer, delivery: 'console' } });
    expect(await client.openRenewalOffer(tokenState.id, '2025-05-01T10:00:00.000Z')).toMatchObject({
      value: { delivery: 'console' },
    });
    issuer.answer = () => ({ status: 200, body: offer });
    expect(await client.openRenewalOffer(tokenState.id, '2025-05-01T10:00:00.000Z')).toMatchObject({
      kind: 'ok',
    });
    expect(issuer.requests[0]).toMatchObject({
      method: 'POST',
      url: `/internal/v1/tokens/${tokenState.id}/renewal-offers`,
      body: JSON.stringify({ dueAt: '2025-05-01T10:00:00.000Z' }),
    });
  });

  it('maps a 409 problem to a final refusal carrying its code', async () => {
    issuer.answer = () => problem(409, 'RENEWAL_SCHEDULE_STALE');
    expect(await client.openRenewalOffer(tokenState.id, '2025-05-01T10:00:00.000Z')).toEqual({
      kind: 'refused',
      status: 409,
      code: 'RENEWAL_SCHEDULE_STALE',
      detail: 'because RENEWAL_SCHEDULE_STALE',
    });
  });

  it('maps a 404 to not-found', async () => {
    issuer.answer = () => problem(404, 'TOKEN_NOT_FOUND');
    expect(await client.getToken(tokenState.id)).toEqual({ kind: 'not-found' });
  });

  it.each([500, 502, 503, 429, 401])('treats HTTP %i as transient', async (status) => {
    issuer.answer = () => problem(status, 'SOMETHING');
    expect(await client.requestDelivery('offer-1')).toMatchObject({ kind: 'transient' });
  });

  it('treats another 4xx as a final refusal', async () => {
    issuer.answer = () => problem(400, 'VALIDATION_FAILED');
    expect(await client.requestDelivery('offer-1')).toMatchObject({
      kind: 'refused',
      code: 'VALIDATION_FAILED',
    });
  });

  it('treats a malformed success as transient rather than trusting it', async () => {
    issuer.answer = () => ({ status: 201, body: { attemptId: 'a1' } });
    expect(await client.requestDelivery('offer-1')).toMatchObject({ kind: 'transient', error: /malformed/ });
  });

  it('gives up after its timeout', async () => {
    issuer.answer = () => ({ status: 200, body: tokenState, delayMs: 2_000 });
    expect(await client.getToken(tokenState.id)).toEqual({
      kind: 'transient',
      error: `GET /tokens/${tokenState.id}: timeout after 500 ms`,
    });
  });

  it('names the network error when the issuer is down', async () => {
    issuer.server.closeAllConnections();
    await new Promise<void>((resolve) => issuer.server.close(() => resolve()));
    issuer.server = createServer();
    const result = await client.getToken(tokenState.id);
    expect(result).toEqual({ kind: 'transient', error: `GET /tokens/${tokenState.id}: ECONNREFUSED` });
  });

  it('reports an attempt and accepts 204', async () => {
    issuer.answer = () => ({ status: 204 });
    const report = { outcome: 'failed' as const, statusCode: 503, durationMs: 12, error: 'HTTP 503' };
    expect(await client.reportAttempt('attempt-1', report)).toEqual({ kind: 'ok', value: undefined });
    expect(issuer.requests[0]).toMatchObject({
      method: 'PUT',
      url: '/internal/v1/renewal-attempts/attempt-1',
      body: JSON.stringify(report),
    });
  });
});
