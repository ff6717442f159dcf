import { Inject, Injectable, Optional, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import {
  EventType,
  type LatchkeyEvent,
  Topic,
  type TokenUsedEvent,
  type TokenVerificationsCountedEvent,
  topicName,
} from '@latchkey/contracts';
import {
  consumerLimitsOf,
  consumerMetrics,
  EventConsumer,
  HostedEventConsumer,
  KAFKA,
} from '@latchkey/messaging';
import { METRICS_REGISTRY } from '@latchkey/service-runtime';
import type { Registry } from 'prom-client';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { TransactionRunner } from '../database/transaction';
import { TokensRepository } from '../tokens/tokens.repository';
import { ProcessedEventsRepository } from './processed-events.repository';
import { VerificationCountsRepository } from './verification-counts.repository';

const CONSUMER_NAME = 'issuer.token-usage';

/**
 * Applies TokenUsed summaries from the verifiers to the token records (`usageCount`, `lastUsedAt`), and
 * TokenVerificationsCounted summaries to the verification counts (minute, hour and day buckets). Each
 * event is applied at most once: its id is recorded in the same transaction as the update.
 */
@Injectable()
export class UsageConsumer extends HostedEventConsumer {
  private readonly logger = new Logger(UsageConsumer.name);
  protected readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    private readonly transactions: TransactionRunner,
    private readonly processed: ProcessedEventsRepository,
    private readonly tokens: TokensRepository,
    private readonly counts: VerificationCountsRepository,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    super();
    this.consumer = new EventConsumer(kafka, {
      groupId: config.ISSUER_KAFKA_GROUP_ID,
      topics: [Topic.TokenUsage],
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      fromBeginning: true,
      limits: consumerLimitsOf(config),
      observer:
        registry &&
        consumerMetrics(
          registry,
          config.ISSUER_KAFKA_GROUP_ID,
          [Topic.TokenUsage].map((topic) => topicName(topic, config.KAFKA_TOPIC_PREFIX)),
        ),
      handle: (event) => this.handle(event),
    });
  }

  async handle(event: LatchkeyEvent): Promise<void> {
    if (event.type === EventType.TokenUsed) await this.apply(event);
    if (event.type === EventType.TokenVerificationsCounted) await this.applyCounts(event);
  }

  async applyCounts(event: TokenVerificationsCountedEvent): Promise<void> {
    await this.transactions.run(async (tx) => {
      if (!(await this.processed.markProcessed(tx, CONSUMER_NAME, event.id))) return;
      const token = await this.tokens.findById(event.data.tokenId, tx);
      if (token?.tenantId !== event.tenantId) {
        this.logger.warn(
          `TokenVerificationsCounted ${event.id} names token ${event.data.tokenId} unknown in tenant; ignored`,
        );
        return;
      }
      await this.counts.add(tx, event);
    });
  }

  async apply(event: TokenUsedEvent): Promise<void> {
    await this.transactions.run(async (tx) => {
      if (!(await this.processed.markProcessed(tx, CONSUMER_NAME, event.id))) return;
      const known = await this.tokens.recordUsage(tx, {
        tokenId: event.data.tokenId,
        tenantId: event.tenantId,
        count: event.data.count,
        lastUsedAt: event.data.lastUsedAt,
      });
      if (!known) {
        this.logger.warn(
          `TokenUsed ${event.id} names token ${event.data.tokenId} unknown in tenant; ignored`,
        );
      }
    });
  }
}
