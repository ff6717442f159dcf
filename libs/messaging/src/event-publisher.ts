import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { type LatchkeyEvent, topicName, type Topic } from '@latchkey/contracts';

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
    await this.producer.send({
      topic: topicName(topic, this.topicPrefix),
      acks: -1,
      messages: events.map(toMessage),
    });
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

export function toMessage(event: LatchkeyEvent): Message {
  return {
    key: event.subject,
    value: JSON.stringify(event),
    headers: { ce_id: event.id, ce_type: event.type, 'content-type': 'application/cloudevents+json' },
  };
}
