import { Module } from '@nestjs/common';
import { InternalModule } from '../internal/internal.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TokensModule } from '../tokens/tokens.module';
import { ExpiryNoticesRepository } from './expiry-notices.repository';
import { InternalExpiryNoticesController } from './internal-expiry-notices.controller';
import { RecordExpiryNotice } from './record-expiry-notice';

/** Expiry notices (issue 14): TokenExpiring, once per token, expiry and reminder day. */
@Module({
  imports: [InternalModule, TenantsModule, TokensModule],
  controllers: [InternalExpiryNoticesController],
  providers: [ExpiryNoticesRepository, RecordExpiryNotice],
})
export class ExpiryNoticesModule {}
