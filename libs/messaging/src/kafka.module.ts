import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EventPublisher, type EventWireFormat } from './event-publisher';
import { createKafka, ensureTopics } from './kafka';
import type { KafkaConnectionSecurity } from './kafka-settings';

/** The service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');
/** The service's idempotent `EventPublisher`, connected on first use. */
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

/** Inject the shared kafkajs client. */
export const InjectKafka = (): ParameterDecorator => Inject(KAFKA);

export interface KafkaModuleOptions extends KafkaConnectionSecurity {
  brokers: string[];
  clientId: string;
  /** Namespaces every topic name, e.g. `staging.`. */
  topicPrefix: string;
  /**
   * `at-start` (default): the service does not start until every topic exists, so no consumer
   * subscribes before its topic is there. `on-first-use`: start without the broker (a service that
   * must keep serving while Kafka is away); whoever publishes calls `KafkaTopics.ensure()` first.
   */
  createTopics?: 'at-start' | 'on-first-use';
  /** How the publisher writes events (KAFKA_EVENT_FORMAT); default `cloudevents`. */
  eventFormat?: EventWireFormat;
}

/** Creates the missing Latchkey topics, once; a failed attempt is tried again on the next call. */
@Injectable()
export class KafkaTopics {
  private ensured: Promise<void> | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions,
  ) {}

  ensure(): Promise<void> {
    this.ensured ??= ensureTopics(this.kafka, this.options.topicPrefix).catch((error: unknown) => {
      this.ensured = undefined;
      throw error;
    });
    return this.ensured;
  }
}

/**
 * Creates the topics while modules initialise (before any consumer starts, at application bootstrap)
 * and closes the shared producer once every other module has shut down (this module is global, so its
 * hooks run last).
 */
@Injectable()
export class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly topics: KafkaTopics,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    if ((this.options.createTopics ?? 'at-start') === 'at-start') await this.topics.ensure();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/** One Kafka wiring for every service: the client, the topics, a publisher, and their lifecycle. */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              brokers: options.brokers,
              clientId: options.clientId,
              ssl: options.ssl,
              sasl: options.sasl,
            }),
        },
        {
          provide: EVENT_PUBLISHER,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new EventPublisher(kafka, options.topicPrefix, options.eventFormat),
        },
        KafkaTopics,
        KafkaLifecycle,
      ],
      exports: [KAFKA, EVENT_PUBLISHER, KafkaTopics],
    };
  }
}
