import { Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InternalModule } from '../internal/internal.module';
import { MembersModule } from '../members/members.module';
import { MemberRemovalEffects } from '../members/member-removal-effects';
import { OutboxModule } from '../outbox/outbox.module';
import { SigningSecretsModule } from '../signing-secrets/signing-secrets.module';
import { TokensModule } from '../tokens/tokens.module';
import { InternalRenewalsController } from './internal-renewals.controller';
import { RedeemController } from './redeem.controller';
import { stopRenewalsOfRemovedOwner } from './renewal-records';
import { RenewalRedemptionService } from './renewal-redemption.service';
import { RenewalsService } from './renewals.service';
import { TokenRenewalsController } from './token-renewals.controller';

/**
 * Auto-renewal (seed 003) on the issuer: the renewal records, the internal API the worker drives, the
 * public redeem endpoint, and the admin's view of a token's renewals.
 */
@Module({
  imports: [AuthModule, InternalModule, MembersModule, OutboxModule, SigningSecretsModule, TokensModule],
  controllers: [InternalRenewalsController, RedeemController, TokenRenewalsController],
  providers: [RenewalsService, RenewalRedemptionService],
})
export class RenewalsModule implements OnModuleInit {
  constructor(private readonly memberRemovalEffects: MemberRemovalEffects) {}

  /** A removed owner's tokens get no more renewals (their verifications answer OWNER_INACTIVE). */
  onModuleInit(): void {
    this.memberRemovalEffects.register(stopRenewalsOfRemovedOwner);
  }
}
