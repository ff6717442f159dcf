import { type DynamicModule, Global, Module } from '@nestjs/common';
import { createKafka } from '@latchkey/messaging';
import { createRedis, REDIS, RedisLifecycle } from '@latchkey/service-runtime';
import { VERIFIER_CONFIG, type VerifierConfig } from '../config';
import { KAFKA } from './kafka';
import { createPostgresPool, PG_POOL, PostgresLifecycle } from './postgres';

/**
 * The verifier's connections (config, Postgres pool, Redis client, Kafka client), created once and
 * closed on shutdown. Global so feature modules inject them by token.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: VerifierConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: VERIFIER_CONFIG, useValue: config },
        {
          provide: PG_POOL,
          useFactory: () => createPostgresPool(config.DATABASE_URL, 'latchkey-verifier', config),
        },
        PostgresLifecycle,
        {
          provide: REDIS,
          useFactory: () =>
            // A slow cache counts as an absent one: verification falls back to Postgres.
            createRedis(
              config.REDIS_URL,
              `latchkey-verifier:${config.VERIFIER_INSTANCE_ID.replace(/\s/g, '_')}`,
              {
                commandTimeoutMs: 500,
              },
            ),
        },
        RedisLifecycle,
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              brokers: config.KAFKA_BROKERS,
              clientId: config.VERIFIER_KAFKA_CLIENT_ID,
            }),
        },
      ],
      exports: [VERIFIER_CONFIG, PG_POOL, REDIS, KAFKA],
    };
  }
}
