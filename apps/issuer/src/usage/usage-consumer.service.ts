import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventType, type LatchkeyEvent, Topic, type TokenUsedEvent } from '@latchkey/contracts';
import { EventConsumer, HostedEventConsumer, KAFKA } from '@latchkey/messaging';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';

const CONSUMER_NAME = 'issuer.token-usage';

/**
 * Applies TokenUsed summaries from the verifiers to the token records (`usageCount`, `lastUsedAt`).
 * Each event is applied at most once: its id is recorded in the same transaction as the update.
 */
@Injectable()
export class UsageConsumer extends HostedEventConsumer {
  private readonly logger = new Logger(UsageConsumer.name);
  protected readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super();
    this.consumer = new EventConsumer(kafka, {
      groupId: config.ISSUER_KAFKA_GROUP_ID,
      topics: [Topic.TokenUsage],
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      fromBeginning: true,
      handle: (event) => this.handle(event),
    });
  }

  async handle(event: LatchkeyEvent): Promise<void> {
    if (event.type !== EventType.TokenUsed) return;
    await this.apply(event);
  }

  async apply(event: TokenUsedEvent): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const fresh = await manager.query<unknown[]>(
        `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [CONSUMER_NAME, event.id],
      );
      if (fresh.length === 0) return;
      const [, updated] = await manager.query<[unknown, number]>(
        `UPDATE tokens
            SET usage_count = usage_count + $1,
                last_used_at = GREATEST(COALESCE(last_used_at, $2::timestamptz), $2::timestamptz)
          WHERE id = $3 AND tenant_id = $4`,
        [event.data.count, event.data.lastUsedAt, event.data.tokenId, event.tenantId],
      );
      if (updated === 0) {
        this.logger.warn(
          `TokenUsed ${event.id} names token ${event.data.tokenId} unknown in tenant; ignored`,
        );
      }
    });
  }
}
