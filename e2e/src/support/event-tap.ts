import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { type LatchkeyEvent, parseEvent, type Topic, topicName } from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';

let taps = 0;

/** Reads a topic of the run from the beginning, as an independent consumer group, and keeps what it saw. */
export class EventTap {
  readonly events: LatchkeyEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(topic: Topic, brokers = process.env.KAFKA_BROKERS ?? ''): Promise<EventTap> {
    const kafka = new Kafka({
      clientId: 'e2e-tap',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `tap-${process.env.LATCHKEY_TEST_RUN_ID}-${++taps}` });
    const tap = new EventTap(consumer);
    await consumer.connect();
    await consumer.subscribe({
      topic: topicName(topic, process.env.KAFKA_TOPIC_PREFIX),
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: ({ message }) => {
        const parsed = parseEvent(message.value);
        if (parsed.ok) tap.events.push(parsed.event);
        return Promise.resolve();
      },
    });
    return tap;
  }

  async next(predicate: (event: LatchkeyEvent) => boolean, timeoutMs = 30_000): Promise<LatchkeyEvent> {
    return waitFor(() => this.events.find(predicate), { timeoutMs, what: 'an event on the tap' });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
