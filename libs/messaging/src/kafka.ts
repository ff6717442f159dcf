import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import { ALL_TOPICS, topicName } from '@latchkey/contracts';
import type { KafkaConnectionSecurity } from './kafka-settings';

export interface KafkaSettings extends KafkaConnectionSecurity {
  brokers: string[];
  clientId: string;
}

export function createKafka(settings: KafkaSettings): Kafka {
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const text = `${message} ${JSON.stringify(extra)}`;
        if (level === logLevel.ERROR) logger.error(text);
        else if (level === logLevel.WARN) logger.warn(text);
        else logger.debug(text);
      },
  });
}

/**
 * Creates every Latchkey topic that does not exist yet. Run before any consumer subscribes, so a new
 * consumer group never races topic auto-creation (which brokers here have switched off).
 */
export async function ensureTopics(kafka: Kafka, prefix: string, partitions = 3): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.map((t) => topicName(t, prefix)).filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** A readiness check that the cluster answers a metadata request; its admin connection closes on shutdown. */
export function kafkaReadiness(kafka: Kafka): {
  name: string;
  check(): Promise<void>;
  close(): Promise<void>;
} {
  let admin: Admin | undefined;
  let closed = false;
  const disconnect = async () => {
    const current = admin;
    admin = undefined;
    await current?.disconnect().catch(() => undefined);
  };
  return {
    name: 'kafka',
    check: async () => {
      if (closed) throw new Error('shutting down');
      admin ??= kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } catch (error) {
        await disconnect();
        throw error;
      }
    },
    close: async () => {
      closed = true;
      await disconnect();
    },
  };
}
