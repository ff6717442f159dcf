import { Module } from '@nestjs/common';
import { IssuerModule } from '../issuer/issuer.module';
import { QueuesModule } from '../queues/queues.module';
import { IdleSweepProcessor } from './idle-sweep.processor';

/** The schedule of the tenants' idle policies (the sweep itself runs in the issuer). */
@Module({ imports: [IssuerModule, QueuesModule], providers: [IdleSweepProcessor] })
export class IdleTokensModule {}
