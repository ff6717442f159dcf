import { Global, Module } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction';
import { OutboxMetrics } from './outbox-metrics';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';
import { UnitOfWork } from './unit-of-work';

/** The outbox and the unit of work every feature changes state through. */
@Global()
@Module({
  providers: [OutboxMetrics, OutboxRelay, OutboxRepository, TransactionRunner, UnitOfWork],
  exports: [UnitOfWork, TransactionRunner],
})
export class OutboxModule {}
