import { Module } from '@nestjs/common';
import { IssuerModule } from '../issuer/issuer.module';
import { QueuesModule } from '../queues/queues.module';
import { ExpiryReminderProcessor } from './expiry-reminder.processor';

/** Expiry reminders for tokens without auto-renewal. */
@Module({ imports: [IssuerModule, QueuesModule], providers: [ExpiryReminderProcessor] })
export class RemindersModule {}
