import { Logger, type LoggerService } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import type { CallbackDelivery } from '@latchkey/contracts';
import { loadWorkerConfig } from '../config';
import type { IssuerClient, IssuerResult } from '../issuer/issuer-client';
import type { JobQueues } from '../queues/job-queues';
import { RetryLaterError } from '../queues/retry-policy';
import type { JobRequest, RenewalCallbackJob } from '../queues/worker-queues';
import { RenewalCallbackProcessor } from './renewal-callback.processor';

const HOUR = 3_600_000;
const offerId = '5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d';
const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';

describe('RenewalCallbackProcessor', () => {
  const logs: string[] = [];
  const capture: LoggerService = {
    log: (...args: unknown[]) => void logs.push(JSON.stringify(args)),
    warn: (...args: unknown[]) => void logs.push(JSON.stringify(args)),
    error: (...args: unknown[]) => void logs.push(JSON.stringify(args)),
  };
  beforeAll(() => {
    Logger.overrideLogger(capture);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
    // The callback body carries the redeem key: it must never be logged, whatever happened.
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toMatch(/lkr_|latchkey-signature|t=1,v1=/i);
  });

  let receiver: Server;
  let port: number;
  let status: number;
  let received: string[];
  let issuer: {
    requestDelivery: jest.Mock<Promise<IssuerResult<CallbackDelivery>>, [string]>;
    reportAttempt: jest.Mock<Promise<IssuerResult<void>>>;
  };
  let enqueued: JobRequest[];

  beforeEach(async () => {
    status = 200;
    received = [];
    enqueued = [];
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(body);
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
    issuer = {
      requestDelivery: jest.fn((_offerId: string) =>
        Promise.resolve<IssuerResult<CallbackDelivery>>({
          kind: 'ok',
          value: delivery(`http://127.0.0.1:${port}/cb`),
        }),
      ),
      reportAttempt: jest.fn(() => Promise.resolve<IssuerResult<void>>({ kind: 'ok', value: undefined })),
    };
  });
  afterEach(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  function delivery(
    url: string,
    windowEndsAt = new Date(Date.now() + 2 * HOUR).toISOString(),
  ): CallbackDelivery {
    return {
      attemptId: 'attempt-1',
      offerId,
      tokenId,
      url,
      body: `{"type":"token.renewal_available","key":"lkr_${'k'.repeat(43)}"}`,
      headers: { 'content-type': 'application/json', 'latchkey-signature': 't=1,v1=00' },
      windowEndsAt,
    };
  }

  function processor(env: Record<string, string> = {}): RenewalCallbackProcessor {
    const config = loadWorkerConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      KAFKA_BROKERS: '127.0.0.1:9092',
      INTERNAL_API_SECRET: 's'.repeat(32),
      CALLBACK_ALLOW_LIST: `127.0.0.1:${port}`,
      CALLBACK_TIMEOUT_MS: '1000',
      CALLBACK_RETRY_BASE_MS: '1000',
      CALLBACK_RETRY_MAX_MS: '60000',
      ...env,
    });
    const queues = { enqueue: (request: JobRequest) => Promise.resolve(void enqueued.push(request)) };
    return new RenewalCallbackProcessor(
      issuer as unknown as IssuerClient,
      queues as unknown as JobQueues,
      config,
    );
  }

  const job = (windowEndsAt = new Date(Date.now() + 2 * HOUR).toISOString(), attemptsMade = 0) => ({
    data: { offerId, tokenId, windowEndsAt, nextRenewalAt: '2030-01-01T00:00:00.000Z' } as RenewalCallbackJob,
    attemptsMade,
  });

  it('delivers the signed callback and reports it delivered', async () => {
    await expect(processor().process(job())).resolves.toBe('delivered');
    expect(received).toEqual([`{"type":"token.renewal_available","key":"lkr_${'k'.repeat(43)}"}`]);
    expect(issuer.reportAttempt).toHaveBeenCalledWith('attempt-1', {
      outcome: 'delivered',
      statusCode: 200,
      durationMs: expect.any(Number),
      error: null,
    });
    expect(enqueued).toEqual([]);
  });

  it('reports a failed attempt and retries inside the window', async () => {
    status = 503;
    const error = await processor()
      .process(job())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).retryDelayMs).toBeLessThan(1000);
    expect(issuer.reportAttempt).toHaveBeenCalledWith('attempt-1', {
      outcome: 'failed',
      statusCode: 503,
      durationMs: expect.any(Number),
      error: 'HTTP 503',
    });
    expect(enqueued).toEqual([]);
  });

  it('stops and mails the recipient when the next try would fall after the window', async () => {
    status = 503;
    const windowEndsAt = new Date(Date.now() + 5_000).toISOString();
    issuer.requestDelivery.mockResolvedValue({
      kind: 'ok',
      value: delivery(`http://127.0.0.1:${port}/cb`, windowEndsAt),
    });
    // After 10 failures the ceiling is the 60 s cap; a jitter draw near its top lands after a window 5 s away.
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.99);
    try {
      const run = processor({ CALLBACK_RETRY_BASE_MS: '60000' }).process(job(windowEndsAt, 10));
      await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    } finally {
      random.mockRestore();
    }
    expect(enqueued).toEqual([
      expect.objectContaining({
        queue: 'mail',
        jobId: `mail.callback-failed.${offerId}`,
        data: expect.objectContaining({ kind: 'callback-failed', offerId, tokenId, lastError: 'HTTP 503' }),
      }),
    ]);
  });

  it('never attempts a delivery once the window has passed', async () => {
    const run = processor().process(job(new Date(Date.now() - 1).toISOString()));
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    expect(issuer.requestDelivery).not.toHaveBeenCalled();
    expect(enqueued.map((request) => request.jobId)).toEqual([`mail.callback-failed.${offerId}`]);
  });

  it('refuses a URL the SSRF guard blocks, reports it blocked and sends nothing', async () => {
    issuer.requestDelivery.mockResolvedValue({ kind: 'ok', value: delivery(`http://127.0.0.1:${port}/cb`) });
    await expect(processor({ CALLBACK_ALLOW_LIST: '' }).process(job())).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(received).toEqual([]);
    expect(issuer.reportAttempt).toHaveBeenCalledWith('attempt-1', {
      outcome: 'blocked',
      statusCode: null,
      durationMs: 0,
      error: 'HTTPS_REQUIRED',
    });
    expect(enqueued.map((request) => request.jobId)).toEqual([`mail.callback-failed.${offerId}`]);
  });

  it('stops quietly when the issuer says the offer is closed', async () => {
    issuer.requestDelivery.mockResolvedValue({
      kind: 'refused',
      status: 409,
      code: 'RENEWAL_OFFER_CLOSED',
      detail: null,
    });
    await expect(processor().process(job())).resolves.toBe('offer-closed');
    expect(received).toEqual([]);
  });

  it('retries when the issuer cannot be reached, without reporting anything', async () => {
    issuer.requestDelivery.mockResolvedValue({ kind: 'transient', error: 'ECONNREFUSED' });
    await expect(processor().process(job())).rejects.toBeInstanceOf(RetryLaterError);
    expect(issuer.reportAttempt).not.toHaveBeenCalled();
  });

  it('retries a report the issuer could not take, and never delivers again because of it', async () => {
    issuer.reportAttempt
      .mockResolvedValueOnce({ kind: 'transient', error: 'HTTP 503' })
      .mockResolvedValueOnce({ kind: 'ok', value: undefined });
    await expect(processor().process(job())).resolves.toBe('delivered');
    expect(issuer.reportAttempt).toHaveBeenCalledTimes(2);
    expect(received).toHaveLength(1);

    issuer.reportAttempt.mockReset().mockResolvedValue({ kind: 'not-found' });
    await expect(processor().process(job())).resolves.toBe('delivered');
    expect(issuer.reportAttempt).toHaveBeenCalledTimes(1);
  });
});
