import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SigningSecretsModule } from '../signing-secrets/signing-secrets.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TokenStateCache } from './token-state-cache';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

/**
 * The admin API for tokens. Exports `TokensService` (successors via `replaceInTransaction`, the internal
 * token state) and `TokenStateCache` for the renewals and internal API modules.
 */
@Module({
  imports: [AuthModule, OutboxModule, TenantsModule, SigningSecretsModule],
  controllers: [TokensController],
  providers: [TokensService, TokenStateCache],
  exports: [TokensService, TokenStateCache],
})
export class TokensModule {}
