import { Module } from '@nestjs/common';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { TokensModule } from '../tokens/tokens.module';
import { LeakReportKeys } from './leak-report-keys';
import { LeakReportsController } from './leak-reports.controller';
import { ReportLeaks } from './report-leaks';
import { RevokeSelf } from './revoke-self';
import { RevokeSelfController } from './revoke-self.controller';
import { RevokeSelfRateLimitGuard } from './revoke-self-rate-limit.guard';

/**
 * Leaked tokens, handled for their owners: the secret-scanning intake (`POST /v1/leaks`) and the
 * holder's own revocation (`POST /v1/tokens/revoke-self`), both through the tokens feature's revocation.
 */
@Module({
  imports: [TokensModule],
  controllers: [LeakReportsController, RevokeSelfController],
  providers: [
    {
      provide: LeakReportKeys,
      useFactory: (config: IssuerConfig) => new LeakReportKeys(config),
      inject: [ISSUER_CONFIG],
    },
    ReportLeaks,
    RevokeSelf,
    RevokeSelfRateLimitGuard,
  ],
})
export class LeaksModule {}
