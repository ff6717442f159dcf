import { type DynamicModule, Global, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { KAFKA, KafkaModule, kafkaReadiness, kafkaSecurityOf } from '@latchkey/messaging';
import {
  HealthModule,
  type ReadinessCheck,
  REDIS,
  RedisModule,
  redisReadiness,
} from '@latchkey/service-runtime';
import { WORKER_CONFIG, type WorkerConfig } from '../config';

/**
 * The worker's connections (config, Redis, Kafka) and the readiness checks over them, created once and
 * closed on shutdown. Global so feature modules inject them by token. The job queues keep their own
 * Redis connection (queues/job-queues.ts): BullMQ needs one that waits for Redis instead of failing fast.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [
        RedisModule.forRoot({ url: config.WORKER_REDIS_URL, connectionName: 'latchkey-worker' }),
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.WORKER_KAFKA_CLIENT_ID,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          ...kafkaSecurityOf(config),
          eventFormat: config.KAFKA_EVENT_FORMAT,
        }),
        HealthModule.forRootAsync({
          inject: [REDIS, KAFKA],
          useFactory: (redis: Redis, kafka: Kafka): ReadinessCheck[] => [
            redisReadiness(redis),
            kafkaReadiness(kafka),
          ],
        }),
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }],
      exports: [WORKER_CONFIG],
    };
  }
}
