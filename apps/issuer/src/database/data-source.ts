import { DataSource, type DataSourceOptions } from 'typeorm';
import { type DatabaseSettings, postgresPoolOptions } from '@latchkey/service-runtime';
import { AuditEvent } from '../audit/audit-event.entity';
import { Member } from '../members/member.entity';
import { RenewalAttempt } from '../renewals/renewal-attempt.entity';
import { RenewalOffer } from '../renewals/renewal-offer.entity';
import { SigningSecret } from '../signing-secrets/signing-secret.entity';
import { OutboxMessage } from '../outbox/outbox-message.entity';
import { Tenant } from '../tenants/tenant.entity';
import { Token } from '../tokens/token.entity';
import { ProcessedEvent } from '../usage/processed-event.entity';
import { InitialSchema1763900000000 } from './migrations/1763900000000-InitialSchema';
import { TokenDescriptionAndLineage1763900000100 } from './migrations/1763900000100-TokenDescriptionAndLineage';
import { TenantPlansAndPolicies1763900000200 } from './migrations/1763900000200-TenantPlansAndPolicies';
import { Members1763900000300 } from './migrations/1763900000300-Members';
import { AuditEvents1763900000400 } from './migrations/1763900000400-AuditEvents';
import { TokenScopesResourcesPurpose1763900000500 } from './migrations/1763900000500-TokenScopesResourcesPurpose';
import { TokenCreatorEmail1763900000600 } from './migrations/1763900000600-TokenCreatorEmail';
import { AutoRenewal1763900000700 } from './migrations/1763900000700-AutoRenewal';
import { OneSuccessorPerToken1763900000800 } from './migrations/1763900000800-OneSuccessorPerToken';
import {
  VERIFIER_ROLE,
  VerifierReadOnlyRole1763900000900,
} from './migrations/1763900000900-VerifierReadOnlyRole';
import { CacheEpoch1763900001000 } from './migrations/1763900001000-CacheEpoch';
import { VerifierReadsTenantPlans1763900001050 } from './migrations/1763900001050-VerifierReadsTenantPlans';
import { GovernancePolicy1763900001100 } from './migrations/1763900001100-GovernancePolicy';
import { IssuedBy1763900001200 } from './migrations/1763900001200-IssuedBy';
import { RightsAndApplications1763900001300 } from './migrations/1763900001300-RightsAndApplications';
import { TenantApplication } from '../tenants/tenant-application.entity';
import { TechnicalOwner1763900001400 } from './migrations/1763900001400-TechnicalOwner';
import { RecoverableTokens1763900001500 } from './migrations/1763900001500-RecoverableTokens';
import { RecoverableToken } from '../token-recovery/recoverable-token.entity';
import { CallbackOptional1763900001600 } from './migrations/1763900001600-CallbackOptional';
import { StaleTokenIndexes1763900002100 } from './migrations/1763900002100-StaleTokenIndexes';
import { IdlePolicyAndExpiryNotices1763900002200 } from './migrations/1763900002200-IdlePolicyAndExpiryNotices';
import { VerificationAnalytics1763900002300 } from './migrations/1763900002300-VerificationAnalytics';
import { TokenExpiryNotice } from '../expiry-notices/token-expiry-notice.entity';

export const ENTITIES = [
  Token,
  OutboxMessage,
  ProcessedEvent,
  Tenant,
  Member,
  AuditEvent,
  SigningSecret,
  RenewalOffer,
  RenewalAttempt,
  TenantApplication,
  RecoverableToken,
  TokenExpiryNotice,
];
export const MIGRATIONS = [
  InitialSchema1763900000000,
  TokenDescriptionAndLineage1763900000100,
  TenantPlansAndPolicies1763900000200,
  Members1763900000300,
  AuditEvents1763900000400,
  TokenScopesResourcesPurpose1763900000500,
  TokenCreatorEmail1763900000600,
  AutoRenewal1763900000700,
  OneSuccessorPerToken1763900000800,
  VerifierReadOnlyRole1763900000900,
  CacheEpoch1763900001000,
  VerifierReadsTenantPlans1763900001050,
  GovernancePolicy1763900001100,
  IssuedBy1763900001200,
  RightsAndApplications1763900001300,
  TechnicalOwner1763900001400,
  RecoverableTokens1763900001500,
  CallbackOptional1763900001600,
  StaleTokenIndexes1763900002100,
  IdlePolicyAndExpiryNotices1763900002200,
  VerificationAnalytics1763900002300,
];

/** The name of the issuer's second, small pool (revocations and member removals only). */
export const PRIORITY_DATA_SOURCE = 'priority';

/**
 * Schema changes happen only through migrations; `synchronize` is never on. With `settings`, every
 * connection is bounded (pool checkout, statement, lock wait, idle transaction: see
 * libs/service-runtime database.ts); `poolSize` overrides the main pool's size for a second pool.
 */
export function dataSourceOptions(
  databaseUrl: string,
  settings?: DatabaseSettings,
  pool: { name?: string; size?: number } = {},
): DataSourceOptions {
  const applicationName = pool.name ? `latchkey-issuer-${pool.name}` : 'latchkey-issuer';
  return {
    type: 'postgres',
    name: pool.name,
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    extra: settings
      ? postgresPoolOptions(settings, applicationName, pool.size)
      : { max: pool.size ?? 10, application_name: applicationName },
  };
}

/** Applies pending migrations; returns the names of those applied. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Sets the password of the verifier's read-only role (created by the migrations). */
export async function setVerifierRolePassword(databaseUrl: string, password: string): Promise<void> {
  if (password.includes('\0')) throw new Error('VERIFIER_DATABASE_PASSWORD must not contain NUL');
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  try {
    // ALTER ROLE takes no parameters: the literal is quoted (standard_conforming_strings is on).
    await dataSource.query(`ALTER ROLE ${VERIFIER_ROLE} PASSWORD '${password.replaceAll("'", "''")}'`);
  } finally {
    await dataSource.destroy();
  }
}
