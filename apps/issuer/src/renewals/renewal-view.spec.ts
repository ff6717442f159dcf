import type { RenewalAttempt } from './renewal-attempt.entity';
import type { RenewalOffer } from './renewal-offer.entity';
import { toRenewalHistory, toRenewalOfferAnswer } from './renewal-view';

const NOW = new Date('2026-03-05T10:00:00.000Z');
const TOKEN = '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f';

function anOffer(id: string, createdAt: string, changes: Partial<RenewalOffer> = {}): RenewalOffer {
  const created = new Date(createdAt);
  return {
    id,
    tokenId: TOKEN,
    tenantId: 'acme',
    dueAt: created,
    status: 'pending',
    createdAt: created,
    windowEndsAt: new Date(created.getTime() + 7_200_000),
    nextRenewalAt: new Date(created.getTime() + 93_600_000),
    deliveredAt: null,
    redeemedAt: null,
    closedAt: null,
    newTokenId: null,
    ...changes,
  };
}

function anAttempt(offerId: string, number: number, changes: Partial<RenewalAttempt> = {}): RenewalAttempt {
  return {
    id: `${offerId}-attempt-${number}`,
    offerId,
    number,
    keyHash: 'f'.repeat(64),
    startedAt: new Date(`2026-03-0${number}T00:00:00.000Z`),
    finishedAt: null,
    outcome: null,
    statusCode: null,
    durationMs: null,
    error: null,
    ...changes,
  };
}

describe('the renewals view', () => {
  const older = anOffer('offer-1', '2026-03-01T08:00:00.000Z');
  const newer = anOffer('offer-2', '2026-03-05T09:00:00.000Z', {
    status: 'redeemed',
    deliveredAt: new Date('2026-03-05T09:00:01.000Z'),
    redeemedAt: new Date('2026-03-05T09:10:00.000Z'),
    closedAt: new Date('2026-03-05T09:10:00.000Z'),
    newTokenId: '7a1c2e3f-4b5d-4c6e-8f70-8192a3b4c5d6',
  });
  const attempts = [
    anAttempt('offer-2', 2, {
      finishedAt: new Date('2026-03-05T09:00:01.000Z'),
      outcome: 'delivered',
      statusCode: 200,
      durationMs: 84,
    }),
    anAttempt('offer-1', 1, { outcome: 'failed', statusCode: null, durationMs: 5000, error: 'timeout' }),
    anAttempt('offer-2', 1, { outcome: 'failed', statusCode: 503, durationMs: 12, error: 'HTTP 503' }),
  ];

  it('lists the newest offer first, each with its attempts by number', () => {
    const { items } = toRenewalHistory([older, newer], attempts, NOW);
    expect(items.map((item) => item.id)).toEqual(['offer-2', 'offer-1']);
    expect(items[0].attempts.map((a) => a.number)).toEqual([1, 2]);
    expect(items[1].attempts.map((a) => a.number)).toEqual([1]);
  });

  it('maps every field, with times in ISO 8601', () => {
    const { items } = toRenewalHistory([newer], attempts, NOW);
    expect(items[0]).toEqual({
      id: 'offer-2',
      status: 'redeemed',
      dueAt: '2026-03-05T09:00:00.000Z',
      createdAt: '2026-03-05T09:00:00.000Z',
      windowEndsAt: '2026-03-05T11:00:00.000Z',
      deliveredAt: '2026-03-05T09:00:01.000Z',
      redeemedAt: '2026-03-05T09:10:00.000Z',
      newTokenId: '7a1c2e3f-4b5d-4c6e-8f70-8192a3b4c5d6',
      attempts: [
        {
          id: 'offer-2-attempt-1',
          number: 1,
          startedAt: '2026-03-01T00:00:00.000Z',
          finishedAt: null,
          outcome: 'failed',
          statusCode: 503,
          durationMs: 12,
          error: 'HTTP 503',
        },
        {
          id: 'offer-2-attempt-2',
          number: 2,
          startedAt: '2026-03-02T00:00:00.000Z',
          finishedAt: '2026-03-05T09:00:01.000Z',
          outcome: 'delivered',
          statusCode: 200,
          durationMs: 84,
          error: null,
        },
      ],
    });
  });

  it('shows a pending offer whose window has ended as expired', () => {
    const { items } = toRenewalHistory([older], [], NOW);
    expect(items[0].status).toBe('expired');
    expect(toRenewalOfferAnswer(older, NOW).status).toBe('expired');
  });

  it('never shows a key hash', () => {
    const text = JSON.stringify(toRenewalHistory([older, newer], attempts, NOW));
    expect(text).not.toContain('f'.repeat(64));
    expect(text).not.toMatch(/keyHash|key_hash/);
  });

  it('answers the worker with the contract’s offer', () => {
    const open = anOffer('offer-3', '2026-03-05T09:30:00.000Z');
    expect(toRenewalOfferAnswer(open, NOW)).toEqual({
      id: 'offer-3',
      tokenId: TOKEN,
      tenantId: 'acme',
      status: 'pending',
      createdAt: '2026-03-05T09:30:00.000Z',
      windowEndsAt: '2026-03-05T11:30:00.000Z',
      nextRenewalAt: '2026-03-06T11:30:00.000Z',
      delivery: 'callback',
    });
    expect(toRenewalOfferAnswer(open, NOW, 'console').delivery).toBe('console');
  });
});
