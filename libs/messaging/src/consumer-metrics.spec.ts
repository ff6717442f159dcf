import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { createEvent, EVENT_SOURCES, EventType } from '@latchkey/contracts';
import { consumerMetrics } from './consumer-metrics';
import { EventConsumer } from './event-consumer';

const now = new Date('2030-06-01T12:00:00.000Z');

function used(source: string = EVENT_SOURCES.verifier) {
  const tokenId = randomUUID();
  const event = createEvent(EventType.TokenUsed, {
    source,
    subject: tokenId,
    tenantId: 'tenant-never-a-label',
    time: now,
    data: { tokenId, count: 1, lastUsedAt: now.toISOString(), verifierInstance: 'v' },
  });
  return { key: null, value: Buffer.from(JSON.stringify(event)), offset: '1' } as unknown as KafkaMessage;
}

/** A Kafka whose consumer records its instrumentation listeners, and whose producer takes any send. */
function fakeKafka() {
  const listeners = new Map<string, (event: { payload: Record<string, unknown> }) => void>();
  const kafka = {
    consumer: () => ({
      events: { END_BATCH_PROCESS: 'consumer.end_batch_process' },
      on: (name: string, listener: (event: { payload: Record<string, unknown> }) => void) => {
        listeners.set(name, listener);
        return () => undefined;
      },
      connect: () => Promise.resolve(),
      subscribe: () => Promise.resolve(),
      run: () => Promise.resolve(),
    }),
    producer: () => ({ connect: () => Promise.resolve(), send: () => Promise.resolve([]) }),
  } as unknown as Kafka;
  return { kafka, listeners };
}

describe('consumerMetrics', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  it('counts handled, retried and dead-lettered messages by cause, and the lag after each batch', async () => {
    const registry = new Registry();
    const { kafka, listeners } = fakeKafka();
    let failing = false;
    const consumer = new EventConsumer(kafka, {
      groupId: 'spec-group',
      topics: [],
      topicPrefix: 'p.',
      handle: () => (failing ? Promise.reject(new Error('db down')) : Promise.resolve()),
      limits: { maxAttempts: 2 },
      now: () => now,
      observer: consumerMetrics(registry, 'spec-group', ['p.usage']),
    });
    await consumer.start();

    const before = await registry.metrics();
    expect(before).toMatch(
      /^latchkey_kafka_dead_letters_total\{group="spec-group",topic="p.usage",cause="malformed"\} 0$/m,
    );
    expect(before).toMatch(
      /^latchkey_kafka_consumer_messages_total\{group="spec-group",topic="p.usage",outcome="handled"\} 0$/m,
    );

    await consumer.process('p.usage', 0, used());
    await consumer.process('p.usage', 0, used());
    await consumer.process('p.usage', 0, used(EVENT_SOURCES.issuer));
    await consumer.process('p.usage', 0, {
      key: null,
      value: Buffer.from('nope'),
      offset: '2',
    } as KafkaMessage);
    failing = true;
    const poison = used();
    await expect(consumer.process('p.usage', 0, poison)).rejects.toThrow('db down');
    await consumer.process('p.usage', 0, poison);
    listeners.get('consumer.end_batch_process')?.({
      payload: { topic: 'p.usage', partition: 3, offsetLag: '42' },
    });

    const text = await registry.metrics();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}".]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect({
      handled: value(
        'latchkey_kafka_consumer_messages_total{group="spec-group",topic="p.usage",outcome="handled"}',
      ),
      retried: value(
        'latchkey_kafka_consumer_messages_total{group="spec-group",topic="p.usage",outcome="retried"}',
      ),
      malformed: value(
        'latchkey_kafka_dead_letters_total{group="spec-group",topic="p.usage",cause="malformed"}',
      ),
      untrusted: value(
        'latchkey_kafka_dead_letters_total{group="spec-group",topic="p.usage",cause="untrusted"}',
      ),
      failed: value(
        'latchkey_kafka_dead_letters_total{group="spec-group",topic="p.usage",cause="handler-failed"}',
      ),
      lag: value('latchkey_kafka_consumer_lag{group="spec-group",topic="p.usage",partition="3"}'),
    }).toEqual({ handled: 2, retried: 1, malformed: 1, untrusted: 1, failed: 1, lag: 42 });
    expect(text).not.toContain('tenant-never-a-label');
  });

  it('shares the series between two consumer groups of one service', async () => {
    const registry = new Registry();
    consumerMetrics(registry, 'a', ['p.usage']).handled('p.usage', 'handled');
    consumerMetrics(registry, 'b', ['p.usage']).handled('p.usage', 'handled');
    const text = await registry.metrics();
    expect(text.match(/^# TYPE latchkey_kafka_consumer_messages_total counter$/gm)).toHaveLength(1);
    expect(text).toMatch(/group="a",topic="p.usage",outcome="handled"\} 1/);
    expect(text).toMatch(/group="b",topic="p.usage",outcome="handled"\} 1/);
  });
});
