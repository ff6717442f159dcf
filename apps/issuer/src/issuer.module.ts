import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { Kafka } from 'kafkajs';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { kafkaReadiness } from '@latchkey/messaging';
import { createRedis, HealthModule, REDIS, RedisLifecycle, redisReadiness } from '@latchkey/service-runtime';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ISSUER_CONFIG, type IssuerConfig } from './config';
import { dataSourceOptions, PRIORITY_DATA_SOURCE } from './database/data-source';
import { InternalModule } from './internal/internal.module';
import { MemberDirectory } from './members/member-directory';
import { MembersModule } from './members/members.module';
import { KAFKA, messagingProviders } from './messaging.providers';
import { OutboxModule } from './outbox/outbox.module';
import { RenewalsModule } from './renewals/renewals.module';
import { SigningSecretsModule } from './signing-secrets/signing-secrets.module';
import { TenantsModule } from './tenants/tenants.module';
import { TokensModule } from './tokens/tokens.module';
import { UsageModule } from './usage/usage.module';

/** Config, Redis and Kafka, shared by every feature module of the issuer. */
@Global()
@Module({})
class IssuerInfrastructureModule {
  static forRoot(config: IssuerConfig): DynamicModule {
    return {
      module: IssuerInfrastructureModule,
      providers: [
        { provide: ISSUER_CONFIG, useValue: config },
        { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL, 'latchkey-issuer') },
        RedisLifecycle,
        ...messagingProviders,
      ],
      exports: [ISSUER_CONFIG, REDIS, KAFKA, ...messagingProviders],
    };
  }
}

@Module({})
export class IssuerModule {
  static forRoot(config: IssuerConfig): DynamicModule {
    return {
      module: IssuerModule,
      imports: [
        IssuerInfrastructureModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.DATABASE_URL, config),
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        // Revocations never queue behind renewals, redeems or listings: they have connections of their own.
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.DATABASE_URL, config, {
            name: PRIORITY_DATA_SOURCE,
            size: config.DATABASE_PRIORITY_POOL_SIZE,
          }),
          retryAttempts: 3,
          retryDelay: 1000,
        }),
        HealthModule.forRootAsync({
          inject: [getDataSourceToken(), REDIS, KAFKA],
          useFactory: (dataSource: DataSource, redis: Redis, kafka: Kafka) => [
            { name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) },
            redisReadiness(redis),
            kafkaReadiness(kafka),
          ],
        }),
        OutboxModule,
        // Sign-in resolves the member record: the auth folder knows members only through this line.
        AuthModule.forRoot({ imports: [MembersModule], use: MemberDirectory }),
        MembersModule,
        TenantsModule,
        TokensModule,
        SigningSecretsModule,
        InternalModule,
        RenewalsModule,
        UsageModule,
        AuditModule,
      ],
    };
  }
}
