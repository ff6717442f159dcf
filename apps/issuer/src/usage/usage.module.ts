import { Module } from '@nestjs/common';
import { UsageConsumer } from './usage-consumer.service';

@Module({ providers: [UsageConsumer] })
export class UsageModule {}
