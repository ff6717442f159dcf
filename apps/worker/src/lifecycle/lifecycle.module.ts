import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { TokenLifecycleConsumer } from './token-lifecycle.consumer';

/** Token lifecycle events in, queue work out. */
@Module({ imports: [QueuesModule], providers: [TokenLifecycleConsumer] })
export class LifecycleModule {}
