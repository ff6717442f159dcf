import { Inject, Injectable } from '@nestjs/common';
import { Topic } from '@latchkey/contracts';
import { EVENT_PUBLISHER, type EventPublisher, KafkaTopics } from '@latchkey/messaging';
import type { UsageEvent } from './usage-recorder';

/** Where usage summaries go. */
export interface UsageEventSink {
  /** Makes sure the topics exist and the producer is connected; safe to call again after a failure. */
  prepare(): Promise<void>;
  /** Rejects when the batch was not acknowledged. */
  publish(events: readonly UsageEvent[]): Promise<void>;
  close(): Promise<void>;
}

export const USAGE_EVENT_SINK = Symbol('USAGE_EVENT_SINK');

/**
 * Publishes TokenUsed and TokenVerificationsCounted events to the token-usage topic through the service's idempotent EventPublisher.
 * Topics are created here, on first use, so a broker that is down at start does not stop verification.
 */
@Injectable()
export class KafkaUsageEventSink implements UsageEventSink {
  constructor(
    private readonly topics: KafkaTopics,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
  ) {}

  async prepare(): Promise<void> {
    await this.topics.ensure();
    await this.publisher.connect();
  }

  async publish(events: readonly UsageEvent[]): Promise<void> {
    await this.publisher.publish(Topic.TokenUsage, events);
  }

  async close(): Promise<void> {
    await this.publisher.disconnect();
  }
}
