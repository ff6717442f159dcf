import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type Redis from 'ioredis';
import { type LatchkeyEvent, Topic } from '@latchkey/contracts';
import { EventConsumer } from '@latchkey/messaging';
import { InjectRedis } from '@latchkey/service-runtime';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { KAFKA } from '../kafka.provider';
import { ProcessedEvents } from './processed-events';

const CONSUMER_NAME = 'worker.token-lifecycle';

/**
 * Follows token lifecycle events (created, revoked, renewed), once each. This is where renewal
 * scheduling and expiry reminders attach; today it records what it saw.
 */
@Injectable()
export class TokenLifecycleConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenLifecycleConsumer.name);
  private readonly consumer: EventConsumer;
  private readonly processed: ProcessedEvents;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    @InjectRedis() redis: Redis,
  ) {
    this.processed = new ProcessedEvents(redis, config.REDIS_KEY_PREFIX, config.PROCESSED_EVENT_TTL_SECONDS);
    this.consumer = new EventConsumer(kafka, {
      groupId: config.WORKER_KAFKA_GROUP_ID,
      topics: [Topic.TokenLifecycle],
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      fromBeginning: true,
      handle: (event) => this.handle(event),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  async handle(event: LatchkeyEvent): Promise<void> {
    if (!(await this.processed.claim(CONSUMER_NAME, event.id))) {
      this.logger.debug(`skipping redelivered event ${event.id}`);
      return;
    }
    try {
      this.logger.log({
        msg: 'token lifecycle event',
        type: event.type,
        tokenId: event.subject,
        tenantId: event.tenantId,
      });
    } catch (error) {
      await this.processed.release(CONSUMER_NAME, event.id);
      throw error;
    }
  }
}
