import { type DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type Redis from 'ioredis';
import { kafkaReadiness } from '@latchkey/messaging';
import { createRedis, HealthModule, REDIS, RedisLifecycle, redisReadiness } from '@latchkey/service-runtime';
import { WORKER_CONFIG, type WorkerConfig } from './config';
import { KAFKA, kafkaProviders } from './kafka.provider';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { MailModule } from './mail/mail.module';
import { RemindersModule } from './reminders/reminders.module';
import { RenewalsModule } from './renewals/renewals.module';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    const infrastructure = [
      { provide: WORKER_CONFIG, useValue: config },
      { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL, 'latchkey-worker') },
      ...kafkaProviders,
    ];
    return {
      module: WorkerModule,
      global: true,
      imports: [
        HealthModule.forRootAsync({
          inject: [REDIS, KAFKA],
          useFactory: (redis: Redis, kafka: Kafka) => [redisReadiness(redis), kafkaReadiness(kafka)],
        }),
        LifecycleModule,
        RenewalsModule,
        RemindersModule,
        MailModule,
      ],
      providers: [...infrastructure, RedisLifecycle],
      exports: [WORKER_CONFIG, REDIS, KAFKA],
    };
  }
}
