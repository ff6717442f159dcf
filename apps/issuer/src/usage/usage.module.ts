import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { ProcessedEventsRepository } from './processed-events.repository';
import { UsageConsumer } from './usage-consumer.service';

/** Applies the verifiers' TokenUsed summaries to the tokens' usage count and last use, once each. */
@Module({ imports: [TokensModule], providers: [UsageConsumer, ProcessedEventsRepository] })
export class UsageModule {}
