import { randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Kafka, ProducerRecord } from 'kafkajs';
import { createEvent, EVENT_SOURCES, EventType, type LatchkeyEvent, Topic } from '@latchkey/contracts';
import { EventPublisher } from './event-publisher';

const exporter = new InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

/** A kafkajs stand-in that records each send with the trace id active when it was made. */
function fakeKafka() {
  const sends: { record: ProducerRecord; traceId: string | undefined }[] = [];
  const producer = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    send: (record: ProducerRecord) => {
      sends.push({ record, traceId: trace.getSpan(context.active())?.spanContext().traceId });
      return Promise.resolve([]);
    },
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, sends };
}

/** An event emitted inside `span`, with its trace context as the issuer's unit of work stores it. */
function tracedEvent(name: string): { event: LatchkeyEvent; traceId: string } {
  const tracer = provider.getTracer('spec');
  const span = tracer.startSpan(name);
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  span.end();
  const tokenId = randomUUID();
  const event = {
    ...createEvent(EventType.TokenRevoked, {
      source: EVENT_SOURCES.issuer,
      subject: tokenId,
      tenantId: 'acme',
      data: { tokenId, revokedBy: 'alice', revokedAt: new Date().toISOString() },
    }),
    traceparent: carrier.traceparent,
  };
  return { event, traceId: span.spanContext().traceId };
}

describe('EventPublisher with tracing on (in-memory span exporter)', () => {
  it('sends each change’s events in that change’s trace context, in order', async () => {
    const { kafka, sends } = fakeKafka();
    const a = tracedEvent('change a');
    const b = tracedEvent('change b');
    const a2 = { ...a.event, id: randomUUID() };
    await new EventPublisher(kafka, '').publish(Topic.TokenLifecycle, [a.event, a2, b.event]);
    expect(sends.map((s) => s.traceId)).toEqual([a.traceId, b.traceId]);
    expect(sends.map((s) => s.record.messages.length)).toEqual([2, 1]);
    expect(sends[0].record.messages[0].headers).toMatchObject({ traceparent: a.event.traceparent });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['change a', 'change b']);
  });

  it('sends untraced events together, outside any trace', async () => {
    const { kafka, sends } = fakeKafka();
    const { event } = tracedEvent('ignored');
    const plain = { ...event, traceparent: undefined };
    await new EventPublisher(kafka, '').publish(Topic.TokenLifecycle, [
      plain,
      { ...plain, id: randomUUID() },
    ]);
    expect(sends).toHaveLength(1);
    expect(sends[0].traceId).toBeUndefined();
  });
});
