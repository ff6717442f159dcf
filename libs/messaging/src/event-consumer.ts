import { Logger } from '@nestjs/common';
import { type Consumer, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import {
  checkEventTrust,
  DEFAULT_EVENT_TRUST_LIMITS,
  type EventTrustLimits,
  type LatchkeyEvent,
  parseEvent,
  Topic,
  topicName,
} from '@latchkey/contracts';

export interface EventConsumerLimits extends EventTrustLimits {
  /** Attempts at handling one message; after the last failure it goes to the dead-letter topic. */
  maxAttempts: number;
}

export const DEFAULT_CONSUMER_LIMITS: EventConsumerLimits = Object.freeze({
  ...DEFAULT_EVENT_TRUST_LIMITS,
  maxAttempts: 3,
});

export interface EventConsumerOptions {
  groupId: string;
  topics: Topic[];
  topicPrefix: string;
  /** Read from the earliest offset when the group has none (new groups). */
  fromBeginning?: boolean;
  /**
   * Handles one valid event. Must be idempotent: delivery is at-least-once. A rejection is retried
   * (the partition pauses, then the message is delivered again), up to `limits.maxAttempts` times in
   * all; then the message goes to the dead-letter topic, so one poison message cannot stall its
   * partition.
   */
  handle(event: LatchkeyEvent): Promise<void>;
  /** Attempts per message, clock skew, count bounds (KAFKA_HANDLER_MAX_ATTEMPTS and friends). */
  limits?: Partial<EventConsumerLimits>;
  /** The consumer's clock, for the timestamp bound. */
  now?: () => Date;
  /** Told of lag, outcomes and dead letters (metrics: `consumerMetrics`). */
  observer?: EventConsumerObserver;
}

/** Why a message went to the dead-letter topic. */
export type DeadLetterCause = 'malformed' | 'untrusted' | 'handler-failed';

/** What a consumer tells its observer; nothing it is told names a tenant or a token. */
export interface EventConsumerObserver {
  /** Messages left behind the partition's end after a batch (high watermark − next offset). */
  lag(topic: string, partition: number, lag: number): void;
  /** A message handled, or a handler failure that will be retried. */
  handled(topic: string, outcome: 'handled' | 'retried'): void;
  deadLettered(topic: string, cause: DeadLetterCause): void;
}

/**
 * Consumes Latchkey events: validates each message at the edge, checks what the contracts say a
 * consumer must check (`checkEventTrust`: the source allowed for the type, timestamps no later than now
 * plus a skew, bounded counts), sends what fails either to the dead-letter topic with the reason, and
 * hands the rest to an idempotent handler. A message whose handler fails `maxAttempts` times is
 * dead-lettered too. Offsets are committed only after the handler (or the dead-lettering) succeeded.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private running = false;
  private readonly limits: EventConsumerLimits;
  /** Failed attempts of the messages being retried, by `topic/partition/offset`. */
  private readonly failures = new Map<string, number>();

  constructor(
    kafka: Kafka,
    private readonly options: EventConsumerOptions,
  ) {
    this.logger = new Logger(`EventConsumer(${options.groupId})`);
    this.limits = { ...DEFAULT_CONSUMER_LIMITS, ...options.limits };
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
    const { observer } = this.options;
    if (observer !== undefined) {
      this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        observer.lag(payload.topic, payload.partition, Math.max(0, Number(payload.offsetLag))),
      );
    }
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

  /** Handles one message; resolves when its offset may be committed. Public for unit specs. */
  async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const parsed = parseEvent(message.value);
    if (!parsed.ok) {
      await this.deadLetter(topic, partition, message, parsed.reason, 'malformed');
      return;
    }
    const trusted = checkEventTrust(parsed.event, (this.options.now ?? (() => new Date()))(), this.limits);
    if (!trusted.ok) {
      await this.deadLetter(topic, partition, message, `untrusted: ${trusted.reason}`, 'untrusted');
      return;
    }
    if (trusted.clamped.length > 0) {
      this.logger.warn(
        `${topic}[${partition}]@${message.offset} ${parsed.event.type} ${parsed.event.id}: ` +
          `${trusted.clamped.join(', ')} in the future, set to now plus ${this.limits.maxClockSkewMs} ms`,
      );
    }
    const key = `${topic}/${partition}/${message.offset}`;
    try {
      await this.options.handle(trusted.event);
      this.failures.delete(key);
      this.options.observer?.handled(topic, 'handled');
    } catch (error) {
      const attempts = (this.failures.get(key) ?? 0) + 1;
      const reason = error instanceof Error ? error.message : String(error);
      if (attempts < this.limits.maxAttempts) {
        // Entries leave on success or dead-lettering; one of a partition that moved away may stay.
        if (this.failures.size >= 10_000) this.failures.clear();
        this.failures.set(key, attempts);
        this.logger.warn(
          `${topic}[${partition}]@${message.offset}: handler failed (attempt ${attempts} of ` +
            `${this.limits.maxAttempts}), will retry: ${reason}`,
        );
        this.options.observer?.handled(topic, 'retried');
        throw error;
      }
      this.failures.delete(key);
      await this.deadLetter(
        topic,
        partition,
        message,
        `handler failed ${attempts} times: ${reason}`,
        'handler-failed',
      );
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
    cause: DeadLetterCause,
  ): Promise<void> {
    this.logger.warn(`dead-lettering ${topic}[${partition}]@${message.offset}: ${reason}`);
    await this.deadLetters.send({
      topic: topicName(Topic.DeadLetter, this.options.topicPrefix),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          // The original headers stay (a CloudEvent's `content-type`, its `traceparent`): a dead letter
          // of a structured-mode event is still a CloudEvent any consumer can decode.
          headers: {
            ...withoutDeadLetterHeaders(message.headers),
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
    this.options.observer?.deadLettered(topic, cause);
  }
}

/** The message's headers minus any `dlq-` header it already carried (a letter sent back in, replayed). */
function withoutDeadLetterHeaders(headers: KafkaMessage['headers']): NonNullable<KafkaMessage['headers']> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !name.startsWith('dlq-')));
}
