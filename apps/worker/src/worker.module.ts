import { type DynamicModule, Module } from '@nestjs/common';
import { MetricsModule } from '@latchkey/service-runtime';
import type { WorkerConfig } from './config';
import { IdleTokensModule } from './idle-tokens/idle-tokens.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { MailModule } from './mail/mail.module';
import { RemindersModule } from './reminders/reminders.module';
import { RenewalsModule } from './renewals/renewals.module';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        MetricsModule.forRoot(),
        InfrastructureModule.forRoot(config),
        LifecycleModule,
        RenewalsModule,
        RemindersModule,
        MailModule,
        IdleTokensModule,
      ],
    };
  }
}
