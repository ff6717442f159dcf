import { Module } from '@nestjs/common';
import { SigningSecretsModule } from '../signing-secrets/signing-secrets.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TokenRecoveryModule } from '../token-recovery/token-recovery.module';
import { AutoRenewalAcceptance } from './accept-auto-renewal';
import { BulkRevokeTokens } from './bulk-revoke-tokens';
import { CreateToken } from './create-token';
import { ReplaceToken } from './replace-token';
import { RevokeToken } from './revoke-token';
import { TokenRevocation } from './token-revocation';
import { TokenIssuance } from './token-issuance';
import { TokenQueries } from './token-queries';
import { TokenRenewalStops } from './token-renewal-stops';
import { TokenStateCache } from './token-state-cache';
import { RevealToken } from './reveal-token';
import { TokenBulkRevokeController } from './token-bulk-revoke.controller';
import { TokenRevealController } from './token-reveal.controller';
import { TokensController } from './tokens.controller';
import { TokensRepository } from './tokens.repository';
import { UpdateToken } from './update-token';

/**
 * The admin API for tokens, one use case per file over one repository. Exports what other features
 * build on: `ReplaceToken` (the successor algorithm, for renewals), `TokenQueries` (the internal API),
 * `TokensRepository` and `TokenRenewalStops` (where renewals registers what a token's end cancels),
 * `TokenRevocation` (the one revoke path: admins, leak reports, a token's holder, the idle policy) and
 * `TokenIssuance` (cache propagation).
 */
@Module({
  imports: [TenantsModule, SigningSecretsModule, TokenRecoveryModule],
  controllers: [TokensController, TokenRevealController, TokenBulkRevokeController],
  providers: [
    TokensRepository,
    TokenStateCache,
    TokenIssuance,
    TokenRenewalStops,
    TokenRevocation,
    AutoRenewalAcceptance,
    CreateToken,
    UpdateToken,
    RevokeToken,
    BulkRevokeTokens,
    ReplaceToken,
    TokenQueries,
    RevealToken,
  ],
  exports: [
    ReplaceToken,
    TokenQueries,
    TokensRepository,
    TokenRenewalStops,
    TokenStateCache,
    TokenRevocation,
    TokenIssuance,
  ],
})
export class TokensModule {}
