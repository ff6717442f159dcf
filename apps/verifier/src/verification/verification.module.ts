import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '../clock';
import { MetricsModule } from '../metrics/metrics.module';
import { UsageModule } from '../usage/usage.module';
import { CachedOwnerDirectory, OWNER_DIRECTORY } from './owner-directory';
import { SealedCacheEntries } from './sealed-cache-entries';
import { RedisTokenStateCache, TOKEN_STATE_CACHE } from './token-state-cache';
import { PostgresTokenStore, TOKEN_STORE } from './token-store';
import { VerificationController } from './verification.controller';
import { VerificationGrpcController } from './verification.grpc-controller';
import { VerificationService } from './verification.service';

@Module({
  imports: [UsageModule, MetricsModule],
  controllers: [VerificationController, VerificationGrpcController],
  providers: [
    VerificationService,
    SealedCacheEntries,
    { provide: TOKEN_STATE_CACHE, useClass: RedisTokenStateCache },
    { provide: TOKEN_STORE, useClass: PostgresTokenStore },
    { provide: OWNER_DIRECTORY, useClass: CachedOwnerDirectory },
    { provide: CLOCK, useValue: systemClock },
  ],
})
export class VerificationModule {}
