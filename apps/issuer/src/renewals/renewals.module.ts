import { Module, type OnModuleInit } from '@nestjs/common';
import { InternalModule } from '../internal/internal.module';
import { MembersModule } from '../members/members.module';
import { MemberRemovalEffects } from '../members/member-removal-effects';
import { SigningSecretsModule } from '../signing-secrets/signing-secrets.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TokenRecoveryModule } from '../token-recovery/token-recovery.module';
import { TokenRenewalStops } from '../tokens/token-renewal-stops';
import { TokensModule } from '../tokens/tokens.module';
import { TokensRepository } from '../tokens/tokens.repository';
import { InternalRenewalsController } from './internal-renewals.controller';
import { RedeemController } from './redeem.controller';
import { RenewalOffersRepository } from './renewal-offers.repository';
import { RenewalRedemptionService } from './renewal-redemption.service';
import { RenewalsService } from './renewals.service';
import { TokenRenewalsController } from './token-renewals.controller';

/**
 * Auto-renewal (seed 003) on the issuer: the renewal records, the internal API the worker drives, the
 * public redeem endpoint, and the admin's view of a token's renewals.
 */
@Module({
  imports: [
    InternalModule,
    MembersModule,
    SigningSecretsModule,
    TenantsModule,
    TokenRecoveryModule,
    TokensModule,
  ],
  controllers: [InternalRenewalsController, RedeemController, TokenRenewalsController],
  providers: [RenewalsService, RenewalRedemptionService, RenewalOffersRepository],
})
export class RenewalsModule implements OnModuleInit {
  constructor(
    private readonly offers: RenewalOffersRepository,
    private readonly tokens: TokensRepository,
    private readonly tokenRenewalStops: TokenRenewalStops,
    private readonly memberRemovalEffects: MemberRemovalEffects,
  ) {}

  onModuleInit(): void {
    // A token revoked, replaced or switched off: its pending offers' keys stop working with the change.
    this.tokenRenewalStops.register((tx, tokenId, now) => this.offers.cancelPendingOfToken(tx, tokenId, now));
    // A removed owner's tokens are refused everywhere (OWNER_INACTIVE): they get no more renewals.
    this.memberRemovalEffects.register(async (tx, { tenantId, userId, now }) => {
      await this.offers.cancelPendingOfOwner(tx, tenantId, userId, now);
      await this.tokens.clearScheduleOfOwner(tx, tenantId, userId);
    });
  }
}
