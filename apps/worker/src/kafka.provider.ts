import { Inject, Injectable, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '@latchkey/messaging';
import { WORKER_CONFIG, type WorkerConfig } from './config';

export const KAFKA = Symbol('KAFKA');

/** Creates missing topics before any consumer subscribes. */
@Injectable()
export class KafkaTopology implements OnModuleInit {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, this.config.KAFKA_TOPIC_PREFIX);
  }
}

export const kafkaProviders: Provider[] = [
  {
    provide: KAFKA,
    inject: [WORKER_CONFIG],
    useFactory: (config: WorkerConfig) =>
      createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.WORKER_KAFKA_CLIENT_ID }),
  },
  KafkaTopology,
];
