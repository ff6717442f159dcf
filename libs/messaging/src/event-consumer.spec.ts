import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage, ProducerRecord } from 'kafkajs';
import { Logger } from '@nestjs/common';
import { createEvent, EVENT_SOURCES, EventType, type LatchkeyEvent } from '@latchkey/contracts';
import { EventConsumer } from './event-consumer';

const now = new Date('2030-06-01T12:00:00.000Z');

function setUp(handle: (event: LatchkeyEvent) => Promise<void>) {
  const sent: ProducerRecord[] = [];
  const kafka = {
    consumer: () => ({}),
    producer: () => ({
      send: (record: ProducerRecord) => {
        sent.push(record);
        return Promise.resolve([]);
      },
    }),
  } as unknown as Kafka;
  const consumer = new EventConsumer(kafka, {
    groupId: 'spec',
    topics: [],
    topicPrefix: 'p.',
    handle,
    limits: { maxAttempts: 3, maxClockSkewMs: 30_000, maxUsageCount: 1_000 },
    now: () => now,
  });
  const reasons = () => sent.map((r) => String(r.messages[0].headers?.['dlq-reason']));
  return { consumer, sent, reasons };
}

function message(event: unknown, offset = '7'): KafkaMessage {
  return { key: null, value: Buffer.from(JSON.stringify(event)), offset } as unknown as KafkaMessage;
}

function used(fields: { source?: string; count?: number; lastUsedAt?: string } = {}) {
  const tokenId = randomUUID();
  return createEvent(EventType.TokenUsed, {
    source: fields.source ?? EVENT_SOURCES.verifier,
    subject: tokenId,
    tenantId: 'acme',
    time: now,
    data: {
      tokenId,
      count: fields.count ?? 2,
      lastUsedAt: fields.lastUsedAt ?? now.toISOString(),
      verifierInstance: 'v',
    },
  });
}

describe('EventConsumer', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  it('dead-letters an event from the wrong source instead of handling it', async () => {
    const handle = jest.fn(() => Promise.resolve());
    const { consumer, reasons } = setUp(handle);
    await consumer.process('p.usage', 0, message(used({ source: EVENT_SOURCES.issuer })));
    expect(handle).not.toHaveBeenCalled();
    expect(reasons()).toEqual([expect.stringMatching(/^untrusted: source "latchkey\/issuer" may not emit/)]);
  });

  it('dead-letters a usage summary over the bound', async () => {
    const handle = jest.fn(() => Promise.resolve());
    const { consumer, reasons } = setUp(handle);
    await consumer.process('p.usage', 0, message(used({ count: 999_999_999 })));
    expect(handle).not.toHaveBeenCalled();
    expect(reasons()).toEqual([expect.stringMatching(/^untrusted: usage count 999999999 exceeds/)]);
  });

  it('hands on a far-future lastUsedAt clamped to now plus the skew', async () => {
    const handled: LatchkeyEvent[] = [];
    const { consumer } = setUp((event) => {
      handled.push(event);
      return Promise.resolve();
    });
    await consumer.process('p.usage', 0, message(used({ lastUsedAt: '2099-01-01T00:00:00.000Z' })));
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatchObject({ data: { lastUsedAt: '2030-06-01T12:00:30.000Z' } });
  });

  it('retries a failing handler, then dead-letters the message after the last attempt', async () => {
    const handle = jest.fn(() =>
      Promise.reject(new Error('invalid byte sequence for encoding "UTF8": 0x00')),
    );
    const { consumer, reasons } = setUp(handle);
    const poison = message(used());
    await expect(consumer.process('p.usage', 0, poison)).rejects.toThrow(/0x00/);
    await expect(consumer.process('p.usage', 0, poison)).rejects.toThrow(/0x00/);
    expect(reasons()).toEqual([]);
    await consumer.process('p.usage', 0, poison);
    expect(handle).toHaveBeenCalledTimes(3);
    expect(reasons()).toEqual(['handler failed 3 times: invalid byte sequence for encoding "UTF8": 0x00']);
  });

  it('counts attempts per message: a success in between starts nothing over for another', async () => {
    let failing = true;
    const { consumer, reasons } = setUp(() =>
      failing ? Promise.reject(new Error('db down')) : Promise.resolve(),
    );
    await expect(consumer.process('p.usage', 0, message(used(), '1'))).rejects.toThrow();
    failing = false;
    await consumer.process('p.usage', 0, message(used(), '1'));
    failing = true;
    await expect(consumer.process('p.usage', 0, message(used(), '1'))).rejects.toThrow();
    await expect(consumer.process('p.usage', 0, message(used(), '1'))).rejects.toThrow();
    expect(reasons()).toEqual([]);
  });
});
