import { Module } from '@nestjs/common';
import { InternalModule } from '../internal/internal.module';
import { TokensModule } from '../tokens/tokens.module';
import { IdleTokenSweep } from './idle-token-sweep';
import { IdleTokensRepository } from './idle-tokens.repository';
import { InternalIdleTokensController } from './internal-idle-tokens.controller';

/** The tenants' idle policy (issue 14): warn, then revoke tokens nobody uses. */
@Module({
  imports: [InternalModule, TokensModule],
  controllers: [InternalIdleTokensController],
  providers: [IdleTokensRepository, IdleTokenSweep],
})
export class IdleTokensModule {}
