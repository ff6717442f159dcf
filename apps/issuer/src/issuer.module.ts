import { type DynamicModule, Module } from '@nestjs/common';
import { MetricsModule } from '@latchkey/service-runtime';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { IssuerConfig } from './config';
import { ConsoleModule } from './console/console.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { InternalModule } from './internal/internal.module';
import { LeaksModule } from './leaks/leaks.module';
import { ExpiryNoticesModule } from './expiry-notices/expiry-notices.module';
import { IdleTokensModule } from './idle-tokens/idle-tokens.module';
import { MemberDirectory } from './members/member-directory';
import { MembersModule } from './members/members.module';
import { OutboxModule } from './outbox/outbox.module';
import { RenewalsModule } from './renewals/renewals.module';
import { SigningSecretsModule } from './signing-secrets/signing-secrets.module';
import { TenantsModule } from './tenants/tenants.module';
import { TokensModule } from './tokens/tokens.module';
import { UsageModule } from './usage/usage.module';

@Module({})
export class IssuerModule {
  static forRoot(config: IssuerConfig): DynamicModule {
    return {
      module: IssuerModule,
      imports: [
        MetricsModule.forRoot(),
        InfrastructureModule.forRoot(config),
        OutboxModule,
        // Sign-in resolves the member record: the auth folder knows members only through this line.
        AuthModule.forRoot({ imports: [MembersModule], use: MemberDirectory }),
        MembersModule,
        TenantsModule,
        TokensModule,
        SigningSecretsModule,
        InternalModule,
        RenewalsModule,
        IdleTokensModule,
        ExpiryNoticesModule,
        UsageModule,
        AuditModule,
        LeaksModule,
        ConsoleModule.forRoot(config),
      ],
    };
  }
}
