import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { EventConsumer } from './event-consumer';

/**
 * Base of a Nest provider that owns an `EventConsumer`: the consumer starts once the application has
 * bootstrapped and stops before it shuts down, so in-flight messages finish while the provider's own
 * dependencies (database, Redis, queues) are still open.
 */
export abstract class HostedEventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly consumer: EventConsumer;

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
