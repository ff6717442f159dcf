import { type DynamicModule, Global, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { KAFKA, KafkaModule, kafkaReadiness, kafkaSecurityOf } from '@latchkey/messaging';
import {
  HealthModule,
  type ReadinessCheck,
  REDIS,
  RedisModule,
  redisReadiness,
} from '@latchkey/service-runtime';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { createPostgresPool, PG_POOL, PostgresLifecycle, postgresReadiness } from './postgres';

/**
 * The verifier's connections (config, Postgres pool, Redis, Kafka) and the readiness checks over them,
 * created once and closed on shutdown. Global so feature modules inject them by token.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: VerifierConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [
        // A slow cache counts as an absent one: verification falls back to Postgres.
        RedisModule.forRoot({
          url: config.REDIS_URL,
          connectionName: `latchkey-verifier:${config.VERIFIER_INSTANCE_ID.replace(/\s/g, '_')}`,
          commandTimeoutMs: 500,
        }),
        // Verification must not wait for Kafka: topics are created before the first usage publish.
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.VERIFIER_KAFKA_CLIENT_ID,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          ...kafkaSecurityOf(config),
          eventFormat: config.KAFKA_EVENT_FORMAT,
          createTopics: 'on-first-use',
        }),
        HealthModule.forRootAsync({
          inject: [PG_POOL, REDIS, KAFKA],
          useFactory: (pool: Pool, redis: Redis, kafka: Kafka): ReadinessCheck[] => [
            postgresReadiness(pool),
            redisReadiness(redis),
            kafkaReadiness(kafka),
          ],
        }),
      ],
      providers: [
        { provide: VERIFIER_CONFIG, useValue: config },
        {
          provide: PG_POOL,
          useFactory: () => createPostgresPool(config.DATABASE_URL, 'latchkey-verifier', config),
        },
        PostgresLifecycle,
      ],
      exports: [VERIFIER_CONFIG, PG_POOL],
    };
  }
}
