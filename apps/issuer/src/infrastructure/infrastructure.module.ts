import { type DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { KAFKA, KafkaModule, kafkaReadiness, kafkaSecurityOf } from '@latchkey/messaging';
import {
  HealthModule,
  type ReadinessCheck,
  REDIS,
  RedisModule,
  redisReadiness,
} from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { dataSourceOptions, PRIORITY_DATA_SOURCE } from '../database/data-source';
import { CacheEpochs } from './cache-epochs';
import { DatabaseMetrics } from './database-metrics';
import { InvalidationAcks } from './invalidation-acks';
import { RedisVerifierCacheStore, VERIFIER_CACHE_STORE, VerifierCacheWriter } from './verifier-cache';
import { IssuerRateLimits, PublicRateLimitGuard } from './rate-limits';

/**
 * The issuer's connections (config, Postgres through TypeORM, Redis, Kafka) and the readiness checks
 * over them, created once and closed on shutdown. Global so feature modules inject them by token.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: IssuerConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.DATABASE_URL, config),
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        // Revocations never queue behind renewals, redeems or listings: they have connections of their own.
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.DATABASE_URL, config, {
            name: PRIORITY_DATA_SOURCE,
            size: config.DATABASE_PRIORITY_POOL_SIZE,
          }),
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        // A revocation may wait REDIS_REPLICA_ACK_TIMEOUT_MS for a replica (WAIT): longer than that fails.
        RedisModule.forRoot({
          url: config.REDIS_URL,
          connectionName: 'latchkey-issuer',
          commandTimeoutMs: Math.max(1_000, config.REDIS_REPLICA_ACK_TIMEOUT_MS + 500),
        }),
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.ISSUER_KAFKA_CLIENT_ID,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          ...kafkaSecurityOf(config),
          eventFormat: config.KAFKA_EVENT_FORMAT,
        }),
        HealthModule.forRootAsync({
          inject: [getDataSourceToken(), REDIS, KAFKA],
          useFactory: (dataSource: DataSource, redis: Redis, kafka: Kafka): ReadinessCheck[] => [
            { name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) },
            redisReadiness(redis),
            kafkaReadiness(kafka),
          ],
        }),
      ],
      providers: [
        { provide: ISSUER_CONFIG, useValue: config },
        { provide: VERIFIER_CACHE_STORE, useClass: RedisVerifierCacheStore },
        CacheEpochs,
        DatabaseMetrics,
        InvalidationAcks,
        VerifierCacheWriter,
        IssuerRateLimits,
        PublicRateLimitGuard,
      ],
      exports: [ISSUER_CONFIG, VerifierCacheWriter, IssuerRateLimits, PublicRateLimitGuard],
    };
  }
}
