import { Inject, Injectable, Optional, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type Redis from 'ioredis';
import { type LatchkeyEvent, Topic, topicName } from '@latchkey/contracts';
import {
  consumerLimitsOf,
  consumerMetrics,
  EventConsumer,
  HostedEventConsumer,
  KAFKA,
} from '@latchkey/messaging';
import type { Registry } from 'prom-client';
import { InjectRedis, METRICS_REGISTRY } from '@latchkey/service-runtime';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { JobQueues } from '../queues/job-queues';
import { planLifecycleJobs } from './lifecycle-jobs';
import { ProcessedEvents } from './processed-events';

const CONSUMER_NAME = 'worker.token-lifecycle';

/**
 * Follows token lifecycle events, once each, and turns them into queue work: renewals when they are
 * due, expiry reminders, renewal mail, and removal of a revoked token's pending jobs.
 *
 * Handling an event touches only Redis (never the issuer), so events do not wait on the issuer. If Redis
 * fails, the handler throws: the consumer does not commit the offset and delivers the event again.
 */
@Injectable()
export class TokenLifecycleConsumer extends HostedEventConsumer {
  private readonly logger = new Logger(TokenLifecycleConsumer.name);
  protected readonly consumer: EventConsumer;
  private readonly processed: ProcessedEvents;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    @InjectRedis() redis: Redis,
    private readonly queues: JobQueues,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    super();
    this.processed = new ProcessedEvents(redis, config.REDIS_KEY_PREFIX, config.PROCESSED_EVENT_TTL_SECONDS);
    this.consumer = new EventConsumer(kafka, {
      groupId: config.WORKER_KAFKA_GROUP_ID,
      // Members: a tenant's policy changes (its expiry reminder days).
      topics: [Topic.TokenLifecycle, Topic.Members],
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      fromBeginning: true,
      limits: consumerLimitsOf(config),
      observer:
        registry &&
        consumerMetrics(
          registry,
          config.WORKER_KAFKA_GROUP_ID,
          [Topic.TokenLifecycle].map((topic) => topicName(topic, config.KAFKA_TOPIC_PREFIX)),
        ),
      handle: (event) => this.handle(event),
    });
  }

  async handle(event: LatchkeyEvent): Promise<void> {
    if (await this.processed.has(CONSUMER_NAME, event.id)) {
      this.logger.debug(`skipping redelivered event ${event.id}`);
      return;
    }
    const plan = planLifecycleJobs(event, Date.now());
    let removed = 0;
    for (const cancellation of plan.cancel) {
      removed += await this.queues.cancelPending(cancellation.tokenId, cancellation.queues, cancellation);
    }
    for (const request of plan.enqueue) await this.queues.enqueue(request);
    await this.processed.remember(CONSUMER_NAME, event.id);
    this.logger.log({
      msg: 'token lifecycle event applied',
      type: event.type,
      eventId: event.id,
      tokenId: event.subject,
      tenantId: event.tenantId,
      jobsAdded: plan.enqueue.map((request) => request.jobId),
      jobsRemoved: removed,
    });
  }
}
