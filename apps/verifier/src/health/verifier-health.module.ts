import type { DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { kafkaReadiness } from '@latchkey/messaging';
import { HealthModule, REDIS, redisReadiness, type ReadinessCheck } from '@latchkey/service-runtime';
import { KAFKA } from '../infrastructure/kafka';
import { PG_POOL, postgresReadiness } from '../infrastructure/postgres';

/** GET /health and GET /ready, the latter checking Postgres (`SELECT 1`), Redis and Kafka. */
export function verifierHealthModule(): DynamicModule {
  return HealthModule.forRootAsync({
    inject: [PG_POOL, REDIS, KAFKA],
    useFactory: (pool: Pool, redis: Redis, kafka: Kafka): ReadinessCheck[] => [
      postgresReadiness(pool),
      redisReadiness(redis),
      kafkaReadiness(kafka),
    ],
  });
}
