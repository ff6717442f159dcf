import { Module } from '@nestjs/common';
import { KafkaUsageEventSink, USAGE_EVENT_SINK } from './usage-event-sink';
import { UsageRecorder } from './usage-recorder';

@Module({
  providers: [UsageRecorder, { provide: USAGE_EVENT_SINK, useClass: KafkaUsageEventSink }],
  exports: [UsageRecorder],
})
export class UsageModule {}
