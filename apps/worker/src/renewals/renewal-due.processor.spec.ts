import { Logger } from '@nestjs/common';
import type { RenewalOffer } from '@latchkey/contracts';
import type { IssuerClient, IssuerResult } from '../issuer/issuer-client';
import type { JobQueues } from '../queues/job-queues';
import type { JobRequest } from '../queues/worker-queues';
import { RenewalDueProcessor } from './renewal-due.processor';

const tokenId = '0b7c6f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f';
const offerId = '5f4e3d2c-1b0a-4a9b-8c7d-6e5f4a3b2c1d';
const dueAt = '2025-05-01T10:00:00.000Z';

describe('RenewalDueProcessor', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  let answer: IssuerResult<RenewalOffer>;
  let enqueued: JobRequest[];
  let processor: RenewalDueProcessor;
  const openRenewalOffer = jest.fn(() => Promise.resolve(answer));

  beforeEach(() => {
    enqueued = [];
    openRenewalOffer.mockClear();
    processor = new RenewalDueProcessor(
      { openRenewalOffer } as unknown as IssuerClient,
      {
        enqueue: (request: JobRequest) => Promise.resolve(void enqueued.push(request)),
      } as unknown as JobQueues,
    );
  });

  const offer = (status: RenewalOffer['status']): RenewalOffer => ({
    id: offerId,
    tokenId,
    tenantId: 'acme',
    status,
    createdAt: new Date().toISOString(),
    windowEndsAt: new Date(Date.now() + 7_200_000).toISOString(),
    nextRenewalAt: new Date(Date.now() + 86_400_000).toISOString(),
    delivery: 'callback',
  });

  it('opens the offer, queues its callback and the re-callback after its window', async () => {
    const opened = offer('pending');
    answer = { kind: 'ok', value: opened };
    await expect(processor.process({ data: { tokenId, dueAt } })).resolves.toBe('offer-opened');
    expect(openRenewalOffer).toHaveBeenCalledWith(tokenId, dueAt);
    expect(enqueued).toEqual([
      expect.objectContaining({
        queue: 'renewal-callback',
        jobId: `callback.${offerId}`,
        data: { offerId, tokenId, windowEndsAt: opened.windowEndsAt, nextRenewalAt: opened.nextRenewalAt },
        tokenId,
      }),
      expect.objectContaining({
        queue: 'renewal-due',
        jobId: `due.${tokenId}.${Date.parse(opened.nextRenewalAt)}`,
        data: { tokenId, dueAt: opened.nextRenewalAt },
        runAt: Date.parse(opened.nextRenewalAt),
      }),
    ]);
  });

  it('mails the recipient instead of calling back when the token has no callback URL (seed 003)', async () => {
    const opened = { ...offer('pending'), delivery: 'console' as const };
    answer = { kind: 'ok', value: opened };
    await processor.process({ data: { tokenId, dueAt } });
    expect(enqueued.map((job) => job.queue)).toEqual(['mail', 'renewal-due']);
    expect(enqueued[0]).toMatchObject({
      jobId: `mail.renewal-ready.${offerId}`,
      data: { kind: 'renewal-ready', tokenId, offerId, windowEndsAt: opened.windowEndsAt },
      tokenId,
    });
  });

  it('queues nothing more for an offer that was already redeemed', async () => {
    answer = { kind: 'ok', value: offer('redeemed') };
    await processor.process({ data: { tokenId, dueAt } });
    expect(enqueued).toEqual([]);
  });

  it('finishes quietly when the issuer refuses or does not know the token', async () => {
    answer = { kind: 'refused', status: 409, code: 'RENEWAL_SCHEDULE_STALE', detail: null };
    await expect(processor.process({ data: { tokenId, dueAt } })).resolves.toBe('refused');
    answer = { kind: 'not-found' };
    await expect(processor.process({ data: { tokenId, dueAt } })).resolves.toBe('not-found');
    expect(enqueued).toEqual([]);
  });

  it('fails the attempt (to be retried) when the issuer is unreachable', async () => {
    answer = { kind: 'transient', error: 'ECONNREFUSED' };
    await expect(processor.process({ data: { tokenId, dueAt } })).rejects.toThrow('ECONNREFUSED');
  });
});
