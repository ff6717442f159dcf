import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics, EventPublisher } from '@latchkey/messaging';
import { ISSUER_CONFIG, type IssuerConfig } from './config';

export const KAFKA = Symbol('KAFKA');
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');

/** Creates missing topics before anything publishes or subscribes; closes the producer last. */
@Injectable()
export class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, this.config.KAFKA_TOPIC_PREFIX);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

export const messagingProviders: Provider[] = [
  {
    provide: KAFKA,
    inject: [ISSUER_CONFIG],
    useFactory: (config: IssuerConfig) =>
      createKafka({
        brokers: config.KAFKA_BROKERS,
        clientId: config.ISSUER_KAFKA_CLIENT_ID,
      }),
  },
  {
    provide: EVENT_PUBLISHER,
    inject: [KAFKA, ISSUER_CONFIG],
    useFactory: (kafka: Kafka, config: IssuerConfig) => new EventPublisher(kafka, config.KAFKA_TOPIC_PREFIX),
  },
  KafkaLifecycle,
];
