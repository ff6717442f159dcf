import { Module } from '@nestjs/common';
import { IssuerModule } from '../issuer/issuer.module';
import { QueuesModule } from '../queues/queues.module';
import { RenewalCallbackProcessor } from './renewal-callback.processor';
import { RenewalDueProcessor } from './renewal-due.processor';

/** Auto-renewal (seed 003): opening offers when renewals are due and delivering their callbacks. */
@Module({
  imports: [IssuerModule, QueuesModule],
  providers: [RenewalDueProcessor, RenewalCallbackProcessor],
})
export class RenewalsModule {}
