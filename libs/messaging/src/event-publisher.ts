import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import {
  CLOUDEVENTS_JSON_CONTENT_TYPE,
  type LatchkeyEvent,
  toCloudEvent,
  topicName,
  type Topic,
} from '@latchkey/contracts';

/**
 * How events are written: `cloudevents` (default), conformant CloudEvents 1.0 in structured mode; or
 * `legacy`, the envelope published before, for the first step of an upgrade while consumers of the old
 * version still run (docs/architecture.md, "Events"). Consumers read both either way.
 */
export type EventWireFormat = 'cloudevents' | 'legacy';
export const EVENT_WIRE_FORMATS: readonly EventWireFormat[] = ['cloudevents', 'legacy'];

/**
 * An idempotent producer: the broker de-duplicates retried batches, acks=all, one request in flight so
 * a token's events keep their order. Events are keyed by subject (the token id).
 *
 * Retries are bounded (kafkajs retries an idempotent producer forever by default): a send during an
 * outage fails within seconds, so the caller (the outbox relay) can record it, release its transaction
 * and back off, instead of hanging.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topicPrefix: string,
    private readonly format: EventWireFormat = 'cloudevents',
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3_000 },
    });
  }

  async publish(topic: Topic, events: readonly LatchkeyEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.connect();
    // Events of one traced change are sent in its trace context, so that the send (and what the
    // consumers do) joins the change's trace; untraced events go out together, as one batch.
    for (const group of byTraceContext(events)) {
      const send = () =>
        this.producer.send({
          topic: topicName(topic, this.topicPrefix),
          acks: -1,
          messages: group.map((event) => toMessage(event, this.format)),
        });
      const first = group[0];
      if (first?.traceparent) await inTraceContext(first, send);
      else await send();
    }
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async disconnect(): Promise<void> {
    this.connected = undefined;
    await this.producer.disconnect();
  }
}

/**
 * The Kafka message of an event: keyed by subject; in the `cloudevents` format, the whole event in the
 * CloudEvents JSON format with the structured-mode `content-type` (and the W3C `traceparent` header a
 * tracing consumer reads); in the `legacy` format, exactly what was published before.
 */
export function toMessage(event: LatchkeyEvent, format: EventWireFormat = 'cloudevents'): Message {
  if (format === 'legacy') {
    return {
      key: event.subject,
      value: JSON.stringify(event),
      headers: { ce_id: event.id, ce_type: event.type, 'content-type': 'application/cloudevents+json' },
    };
  }
  const headers: Record<string, string> = { 'content-type': CLOUDEVENTS_JSON_CONTENT_TYPE };
  if (event.traceparent) headers.traceparent = event.traceparent;
  if (event.tracestate) headers.tracestate = event.tracestate;
  return { key: event.subject, value: JSON.stringify(toCloudEvent(event)), headers };
}

/** Consecutive runs of events with the same trace context (order kept). */
function byTraceContext(events: readonly LatchkeyEvent[]): LatchkeyEvent[][] {
  const groups: LatchkeyEvent[][] = [];
  let last: string | undefined;
  for (const event of events) {
    const key = `${event.traceparent ?? ''}|${event.tracestate ?? ''}`;
    const current = groups.at(-1);
    if (current !== undefined && key === last) current.push(event);
    else groups.push([event]);
    last = key;
  }
  return groups;
}

/**
 * Runs `send` with the event's trace context active. The OpenTelemetry API is loaded only here, when
 * an event carries a context (only when tracing is on): with tracing off nothing is loaded.
 */
function inTraceContext<T>(event: LatchkeyEvent, send: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { context, propagation, ROOT_CONTEXT } = api;
  const carrier: Record<string, string> = { traceparent: event.traceparent ?? '' };
  if (event.tracestate) carrier.tracestate = event.tracestate;
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), send);
}
