import { Module } from '@nestjs/common';
import { IssuerModule } from '../issuer/issuer.module';
import { QueuesModule } from '../queues/queues.module';
import { MailProcessor } from './mail.processor';
import { MailTransport } from './mail-transport';

/** Notification mail: renewed tokens, failing callbacks, expiry reminders. */
@Module({ imports: [IssuerModule, QueuesModule], providers: [MailTransport, MailProcessor] })
export class MailModule {}
