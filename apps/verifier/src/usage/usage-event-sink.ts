import { Inject, Injectable } from '@nestjs/common';
import { Topic, type TokenUsedEvent } from '@latchkey/contracts';
import { EventPublisher, ensureTopics } from '@latchkey/messaging';
import type { Kafka } from 'kafkajs';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { KAFKA } from '../infrastructure/kafka';

/** Where usage summaries go. */
export interface UsageEventSink {
  /** Makes sure the topics exist and the producer is connected; safe to call again after a failure. */
  prepare(): Promise<void>;
  /** Rejects when the batch was not acknowledged. */
  publish(events: readonly TokenUsedEvent[]): Promise<void>;
  close(): Promise<void>;
}

export const USAGE_EVENT_SINK = Symbol('USAGE_EVENT_SINK');

/** Publishes TokenUsed events to the token-usage topic through the idempotent EventPublisher. */
@Injectable()
export class KafkaUsageEventSink implements UsageEventSink {
  private readonly publisher: EventPublisher;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(VERIFIER_CONFIG) private readonly config: Pick<VerifierConfig, 'KAFKA_TOPIC_PREFIX'>,
  ) {
    this.publisher = new EventPublisher(kafka, config.KAFKA_TOPIC_PREFIX);
  }

  async prepare(): Promise<void> {
    await ensureTopics(this.kafka, this.config.KAFKA_TOPIC_PREFIX);
    await this.publisher.connect();
  }

  async publish(events: readonly TokenUsedEvent[]): Promise<void> {
    await this.publisher.publish(Topic.TokenUsage, events);
  }

  async close(): Promise<void> {
    await this.publisher.disconnect();
  }
}
