import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { TokensModule } from '../tokens/tokens.module';
import { PendingOffersRepository } from './pending-offers.repository';
import { ProcessedEventsRepository } from './processed-events.repository';
import { TokenImpactQuery } from './token-impact';
import { UsageConsumer } from './usage-consumer.service';
import { UsageController } from './usage.controller';
import { UsageQueries } from './usage-queries';
import { UsageRetention } from './usage-retention.service';
import { VerificationCountsRepository } from './verification-counts.repository';

/**
 * Applies the verifiers' summaries once each: TokenUsed to the tokens' usage count and last use,
 * TokenVerificationsCounted to the verification counts; serves those counts (usage, revoke impact) and
 * keeps them within their retention.
 */
@Module({
  imports: [TokensModule, TenantsModule],
  controllers: [UsageController],
  providers: [
    UsageConsumer,
    ProcessedEventsRepository,
    VerificationCountsRepository,
    PendingOffersRepository,
    UsageQueries,
    TokenImpactQuery,
    UsageRetention,
  ],
})
export class UsageModule {}
