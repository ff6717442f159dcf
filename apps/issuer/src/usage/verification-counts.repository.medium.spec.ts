import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createEvent, EventType, type TokenVerificationsCountedEvent } from '@latchkey/contracts';
import { inTransaction, openDatabase } from '../../test/medium-database';
import type { IssuerConfig } from '../config';
import { TransactionRunner } from '../database/transaction';
import { aUniqueToken } from '../tokens/testing/a-token';
import { TokensRepository } from '../tokens/tokens.repository';
import type { RenewalOffer } from '../renewals/renewal-offer.entity';
import { RenewalOffersRepository } from '../renewals/renewal-offers.repository';
import { PendingOffersRepository } from './pending-offers.repository';
import { ProcessedEventsRepository } from './processed-events.repository';
import { UsageConsumer } from './usage-consumer.service';
import { UsageRetention } from './usage-retention.service';
import { VerificationCountsRepository } from './verification-counts.repository';

/*
 * Verification counts on real Postgres: each summary applied once however often it is delivered, and
 * concurrently; minute, hour and day each exact; retention per granularity, safe beside another pruner.
 */

let dataSource: DataSource;
let counts: VerificationCountsRepository;
let consumer: UsageConsumer;
let tokens: TokensRepository;

/** The consumer's apply path without a broker: it is never started here. */
const noKafka = { consumer: () => ({}), producer: () => ({}) } as unknown as Kafka;

beforeAll(async () => {
  dataSource = await openDatabase();
  counts = new VerificationCountsRepository(dataSource);
  tokens = new TokensRepository(dataSource);
  consumer = new UsageConsumer(
    noKafka,
    { ISSUER_KAFKA_GROUP_ID: 'medium', KAFKA_TOPIC_PREFIX: '' } as IssuerConfig,
    new TransactionRunner(dataSource, dataSource),
    new ProcessedEventsRepository(dataSource),
    tokens,
    counts,
  );
});

afterAll(async () => {
  await dataSource?.destroy();
});

async function aToken(tenantId: string): Promise<string> {
  const token = aUniqueToken({
    tenantId,
    createdAt: new Date(),
    expiresAt: null,
    scopes: ['*'],
    resources: [],
  });
  await inTransaction(dataSource, (tx) => tokens.insert(tx, token));
  return token.id;
}

function summary(
  tenantId: string,
  tokenId: string,
  cells: { minute: string; reason?: string; caller?: string | null; count: number }[],
): TokenVerificationsCountedEvent {
  return createEvent(EventType.TokenVerificationsCounted, {
    source: 'latchkey/verifier',
    subject: tokenId,
    tenantId,
    data: {
      tokenId,
      verifierInstance: 'v-1',
      counts: cells.map((c) => ({ reason: 'OK', caller: null, ...c })),
    },
  });
}

const total = async (tokenId: string, granularity: 'minute' | 'hour' | 'day') =>
  (await counts.series({ tokenId }, granularity, new Date(0), new Date('2100-01-01'))).reduce(
    (sum, row) => sum + row.count,
    0,
  );

describe('verification counts on Postgres', () => {
  it('applies 40 summaries delivered concurrently, each twice, exactly once each in every granularity', async () => {
    const tenantId = `t-${randomUUID()}`;
    const tokenId = await aToken(tenantId);
    const events = Array.from({ length: 40 }, (_, i) =>
      summary(tenantId, tokenId, [
        // Two hours, two days: 23:5x and 00:0x.
        { minute: `2026-03-0${1 + (i % 2)}T23:5${i % 10}:00.000Z`, count: 2, caller: 'billing-api' },
        { minute: `2026-03-0${2 + (i % 2)}T00:0${i % 10}:00.000Z`, reason: 'REVOKED', count: 1 },
      ]),
    );

    await Promise.all([...events, ...events].map((event) => consumer.handle(structuredClone(event))));

    expect(await total(tokenId, 'minute')).toBe(120);
    expect(await total(tokenId, 'hour')).toBe(120);
    expect(await total(tokenId, 'day')).toBe(120);
    const byReason = await counts.series({ tokenId }, 'day', new Date(0), new Date('2100-01-01'));
    expect(byReason.filter((r) => r.reason === 'REVOKED').reduce((s, r) => s + r.count, 0)).toBe(40);
    const callers = await counts.callers({ tokenId }, new Date(0), new Date('2100-01-01'), 10);
    expect(callers.map((c) => [c.caller, c.count])).toEqual([
      ['billing-api', 80],
      [null, 40],
    ]);
  });

  it('sums the cells of one bucket before adding them (two minutes of one hour)', async () => {
    const tenantId = `t-${randomUUID()}`;
    const tokenId = await aToken(tenantId);
    await consumer.handle(
      summary(tenantId, tokenId, [
        { minute: '2026-03-01T10:00:00.000Z', count: 3 },
        { minute: '2026-03-01T10:01:00.000Z', count: 4 },
      ]),
    );
    expect(await counts.series({ tokenId }, 'hour', new Date(0), new Date('2100-01-01'))).toEqual([
      { bucket: new Date('2026-03-01T10:00:00.000Z'), reason: 'OK', count: 7 },
    ]);
  });

  it("ignores a summary naming another tenant's token", async () => {
    const tokenId = await aToken(`t-${randomUUID()}`);
    await consumer.handle(
      summary(`t-${randomUUID()}`, tokenId, [{ minute: '2026-03-01T10:00:00.000Z', count: 5 }]),
    );
    expect(await total(tokenId, 'minute')).toBe(0);
  });

  it('prunes each granularity to its own retention, with two pruners at once', async () => {
    const tenantId = `t-${randomUUID()}`;
    const tokenId = await aToken(tenantId);
    const now = new Date('2030-06-01T12:00:00.000Z');
    const ago = (ms: number) =>
      new Date(now.getTime() - ms).toISOString().replace(/:\d\d\.\d+Z$/, ':00.000Z');
    await consumer.handle(
      summary(tenantId, tokenId, [
        { minute: ago(47 * 3_600_000), count: 1 }, // minute kept (48 h)
        { minute: ago(50 * 3_600_000), count: 2 }, // minute pruned, hour and day kept
        { minute: ago(100 * 86_400_000), count: 4 }, // hour pruned (90 d), day kept
        { minute: ago(800 * 86_400_000), count: 8 }, // everything pruned (730 d)
      ]),
    );
    const settings = {
      USAGE_MINUTE_RETENTION_HOURS: 48,
      USAGE_HOUR_RETENTION_DAYS: 90,
      USAGE_DAY_RETENTION_DAYS: 730,
      USAGE_RETENTION_INTERVAL_MS: 3_600_000,
    };
    const [first, second] = [new UsageRetention(counts, settings), new UsageRetention(counts, settings)];

    await Promise.all([first.prune(now), second.prune(now)]);

    expect(await total(tokenId, 'minute')).toBe(1);
    expect(await total(tokenId, 'hour')).toBe(3);
    expect(await total(tokenId, 'day')).toBe(7);
  });

  it('lists the renewal offers a revocation would cancel: pending and open, no others', async () => {
    const renewalOffers = new RenewalOffersRepository(dataSource);
    const pending = new PendingOffersRepository(dataSource);
    const now = new Date();
    const token = aUniqueToken({
      tenantId: `t-${randomUUID()}`,
      createdAt: now,
      expiresAt: null,
      scopes: ['*'],
      resources: [],
      renewalEveryDays: 1,
      renewalCallbackUrl: 'https://receiver.example/hook',
      renewalMailRecipient: null,
      renewalNextAt: now,
    });
    await inTransaction(dataSource, (tx) => tokens.insert(tx, token));
    const offer = (
      dueInMs: number,
      windowEndsInMs: number,
      status: RenewalOffer['status'],
    ): RenewalOffer => ({
      id: randomUUID(),
      tokenId: token.id,
      tenantId: token.tenantId,
      dueAt: new Date(now.getTime() + dueInMs),
      status,
      createdAt: now,
      windowEndsAt: new Date(now.getTime() + windowEndsInMs),
      nextRenewalAt: new Date(now.getTime() + windowEndsInMs + 86_400_000),
      deliveredAt: null,
      redeemedAt: null,
      closedAt: status === 'pending' ? null : now,
      newTokenId: null,
    });
    const open = offer(-1_000, 3_600_000, 'pending');
    const lapsed = offer(-7_200_000, -1_000, 'pending');
    const cancelled = offer(-10_800_000, 3_600_000, 'cancelled');
    await inTransaction(dataSource, async (tx) => {
      for (const row of [open, lapsed, cancelled]) await renewalOffers.insert(tx, row);
    });

    expect(await pending.ofToken(token.id, now)).toEqual([
      { id: open.id, dueAt: open.dueAt.toISOString(), windowEndsAt: open.windowEndsAt.toISOString() },
    ]);
    // What a revocation does to them (renewals' TokenRenewalStops): none is left to list.
    await inTransaction(dataSource, (tx) => renewalOffers.cancelPendingOfToken(tx, token.id, now));
    expect(await pending.ofToken(token.id, now)).toEqual([]);
  });
});
