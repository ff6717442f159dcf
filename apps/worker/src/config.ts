import { z } from 'zod';
import { env, loadConfig } from '@latchkey/service-runtime';

const schema = z.object({
  WORKER_PORT: env.port(3002, 'HTTP port for /health and /ready'),
  REDIS_URL: env.url('Redis connection string (job queues, de-duplication of events)'),
  REDIS_KEY_PREFIX: env.textWithDefault('latchkey:', 'namespace for every Redis key'),
  KAFKA_BROKERS: env.brokers('comma-separated Kafka bootstrap brokers, e.g. 127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: env.textWithDefault('', 'namespace prepended to every topic name'),
  WORKER_KAFKA_CLIENT_ID: env.textWithDefault('latchkey-worker', 'Kafka client id'),
  WORKER_KAFKA_GROUP_ID: env.textWithDefault('latchkey-worker', 'consumer group for token lifecycle events'),
  PROCESSED_EVENT_TTL_SECONDS: env.positiveInt(7 * 24 * 3600, 'how long an applied event id is remembered'),
  LOG_LEVEL: env.logLevel(),
});

export type WorkerConfig = z.infer<typeof schema>;

export function loadWorkerConfig(source: Record<string, string | undefined> = process.env): WorkerConfig {
  return loadConfig(schema, source);
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
