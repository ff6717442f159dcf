import { Logger } from '@nestjs/common';
import { type Consumer, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { type LatchkeyEvent, parseEvent, Topic, topicName } from '@latchkey/contracts';

export interface EventConsumerOptions {
  groupId: string;
  topics: Topic[];
  topicPrefix: string;
  /** Read from the earliest offset when the group has none (new groups). */
  fromBeginning?: boolean;
  /**
   * Handles one valid event. Must be idempotent: delivery is at-least-once. A rejection is retried
   * (the partition pauses, then the message is delivered again), so transient failures lose nothing.
   */
  handle(event: LatchkeyEvent): Promise<void>;
}

/**
 * Consumes Latchkey events: validates each message at the edge, sends what does not parse to the
 * dead-letter topic with the reason, and hands the rest to an idempotent handler. Offsets are committed
 * only after the handler (or the dead-lettering) succeeded.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly options: EventConsumerOptions,
  ) {
    this.logger = new Logger(`EventConsumer(${options.groupId})`);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { initialRetryTime: 300, retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
    });
    this.deadLetters = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async start(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics.map((t) => topicName(t, this.options.topicPrefix)),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message }) => this.process(topic, partition, message),
    });
    this.running = true;
  }

  /** Waits for the message in hand to finish, then leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const parsed = parseEvent(message.value);
    if (!parsed.ok) {
      await this.deadLetter(topic, partition, message, parsed.reason);
      return;
    }
    await this.options.handle(parsed.event);
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
  ): Promise<void> {
    this.logger.warn(`dead-lettering ${topic}[${partition}]@${message.offset}: ${reason}`);
    await this.deadLetters.send({
      topic: topicName(Topic.DeadLetter, this.options.topicPrefix),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            'dlq-reason': reason,
            'dlq-source-topic': topic,
            'dlq-source-partition': String(partition),
            'dlq-source-offset': message.offset,
            'dlq-consumer-group': this.options.groupId,
            'dlq-time': new Date().toISOString(),
          },
        },
      ],
    });
  }
}
