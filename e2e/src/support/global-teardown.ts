import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
// eslint-disable-next-line @nx/enforce-module-boundaries -- Jest loads global teardown without moduleNameMapper
import { dropDatabase } from '../../../libs/testing/src/database';
import { type RunState, RUN_STATE_KEY } from './run-state';

/** Removes everything the run created: its database, topics and Redis keys; stops its containers. */
export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>)[RUN_STATE_KEY] as RunState | undefined;
  if (!state) return;
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const redisPrefix = process.env.REDIS_KEY_PREFIX ?? '';
  await Promise.allSettled([
    dropDatabase(state.serverUrl, state.databaseName),
    deleteTopics(state.infrastructure.addresses.KAFKA_BROKERS, prefix),
    deleteKeys(state.infrastructure.addresses.REDIS_URL, redisPrefix),
    // The worker's queues live in their own database (WORKER_REDIS_URL, by default database 1).
    deleteKeys(state.infrastructure.addresses.REDIS_URL, redisPrefix, 1),
  ]);
  await state.infrastructure.stop();
}

async function deleteTopics(brokers: string, prefix: string): Promise<void> {
  if (!prefix.startsWith('test-')) return;
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

async function deleteKeys(url: string, prefix: string, db?: number): Promise<void> {
  if (!prefix.startsWith('latchkey-test-')) return;
  const redis = new Redis(url, db === undefined ? { lazyConnect: true } : { lazyConnect: true, db });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
