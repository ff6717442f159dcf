import { z } from 'zod';
import { callbackAllowListSetting } from '@latchkey/callback-safety';
import { DEFAULT_SCOPE_CATALOG } from '@latchkey/contracts';
import { kafkaSettings, kafkaSettingsProblems } from '@latchkey/messaging';
import {
  ConfigError,
  databaseSettings,
  env,
  loadConfig,
  rateLimitSetting,
  trustProxySetting,
} from '@latchkey/service-runtime';
import { leakSettings } from './leaks/leak-settings';
import { parsePreviousKeys } from './signing-secrets/signing-secret-cipher';
import { apiAccessPlansSetting, TENANT_PLANS } from './tenants/tenant-plan';

/** The id stored with every ciphertext a key seals (key rotation reads it back). */
function keyIdSetting(fallback: string, keyName: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 of A-Z a-z 0-9 _ -')
    .default(fallback)
    .describe(`id of ${keyName}, stored with every ciphertext it seals`);
}

/** Earlier keys of a key ring (`id:base64[,…]`), still opening what they sealed. */
function previousKeysSetting(what: string) {
  return z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parsePreviousKeys(text);
      } catch (error) {
        ctx.addIssue((error as Error).message);
        return z.NEVER;
      }
    })
    .describe(what);
}

const schema = z
  .object({
    ISSUER_PORT: env.port(3000, 'HTTP port of the admin API'),
    INTERNAL_PORT: env.port(3003, 'HTTP port of the internal API (/internal/v1), the worker’s only door'),
    INTERNAL_HOST: env.textWithDefault(
      '127.0.0.1',
      'interface the internal API listens on (keep it off the public network)',
    ),
    DATABASE_URL: env.url('PostgreSQL connection string; the issuer owns the token tables'),
    ...databaseSettings({ poolSize: 10 }),
    DATABASE_PRIORITY_POOL_SIZE: env.positiveInt(
      2,
      'connections reserved for revocations and member removals, so no other traffic can delay them',
    ),
    OUTBOX_PUBLISH_TRANSACTION_TIMEOUT_MS: env.durationMs(
      120_000,
      'how long the outbox relay may hold its transaction open while Kafka takes a batch',
    ),
    REDIS_URL: env.url('Redis connection string; revocations are written to the verifiers’ cache'),
    REDIS_KEY_PREFIX: env.textWithDefault('latchkey:', 'namespace for every Redis key'),
    CACHE_SIGNING_KEY: env.cacheSigningKey(),
    REDIS_REPLICA_ACK_TIMEOUT_MS: env.durationMs(
      500,
      'how long a revocation waits for a Redis replica to acknowledge its cache entry (when replicas exist)',
    ),
    CACHE_LEASE_MS: env.durationMs(
      2_000,
      'verifier cache lease, the same on issuer and verifiers: a change waits at most this long for a silent verifier, and one made while Redis is unreachable returns after it',
    ),
    KAFKA_BROKERS: env.brokers('comma-separated Kafka bootstrap brokers, e.g. 127.0.0.1:9092'),
    KAFKA_TOPIC_PREFIX: env.textWithDefault('', 'namespace prepended to every topic name'),
    ...kafkaSettings(),
    ISSUER_KAFKA_CLIENT_ID: env.textWithDefault('latchkey-issuer', 'Kafka client id'),
    ISSUER_KAFKA_GROUP_ID: env.textWithDefault('latchkey-issuer', 'consumer group for TokenUsed events'),
    ISSUER_AUDIT_KAFKA_GROUP_ID: env.textWithDefault(
      'latchkey-issuer-audit',
      'consumer group that records every event in the audit log (reads each topic from the beginning)',
    ),
    ADMIN_JWT_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .optional()
      .describe('HS256 secret for admin JWTs (development/test; use ADMIN_JWKS_URL in production)'),
    ADMIN_JWKS_URL: z.url().optional().describe('JWKS URL of the organisation’s identity provider'),
    ADMIN_JWT_ISSUER: z
      .string()
      .min(1)
      .optional()
      .describe('expected `iss` of admin JWTs (required with ADMIN_JWKS_URL; checked whenever set)'),
    ADMIN_JWT_AUDIENCE: z
      .string()
      .min(1)
      .optional()
      .describe('expected `aud` of admin JWTs (required with ADMIN_JWKS_URL; checked whenever set)'),
    NODE_ENV: z
      .string()
      .optional()
      .describe(
        '`production` refuses the HS256 development secret and turns the API reference off by default',
      ),
    ALLOW_DEV_JWT_SECRET_IN_PRODUCTION: env.flag(
      false,
      'accept ADMIN_JWT_SECRET when NODE_ENV=production (a warning is logged at start); for demo stacks only',
    ),
    CONSOLE_DIST_DIR: z
      .string()
      .optional()
      .describe('directory of the built console served at /console (default: apps/console/dist)'),
    CONSOLE_OIDC_ISSUER_URL: z
      .url()
      .optional()
      .describe('OpenID Connect issuer the console signs people in with (authorization code + PKCE)'),
    CONSOLE_OIDC_CLIENT_ID: z
      .string()
      .optional()
      .describe('the console’s client id at the identity provider'),
    CONSOLE_OIDC_AUDIENCE: z
      .string()
      .optional()
      .describe('audience the console asks the identity provider for (default: ADMIN_JWT_AUDIENCE)'),
    CONSOLE_OIDC_SCOPE: env.textWithDefault('openid profile email', 'scopes the console asks for'),
    OUTBOX_POLL_INTERVAL_MS: env.durationMs(250, 'how often the outbox relay looks for unpublished events'),
    OUTBOX_BATCH_SIZE: env.positiveInt(100, 'events per Kafka batch from the outbox'),
    OUTBOX_RETENTION_HOURS: env.positiveInt(168, 'how long published outbox rows are kept'),
    USAGE_MINUTE_RETENTION_HOURS: env.positiveInt(48, 'how long per-minute verification counts are kept'),
    USAGE_HOUR_RETENTION_DAYS: env.positiveInt(90, 'how long per-hour verification counts are kept'),
    USAGE_DAY_RETENTION_DAYS: env.positiveInt(730, 'how long per-day verification counts are kept'),
    USAGE_RETENTION_INTERVAL_MS: env.durationMs(
      3_600_000,
      'how often verification counts past their retention are deleted',
    ),
    TOKEN_CACHE_TTL_SECONDS: env.positiveInt(300, 'lifetime of a revocation entry in the verifiers’ cache'),
    TRUST_PROXY: trustProxySetting(),
    REDEEM_RATE_LIMIT: rateLimitSetting(
      '60/1m',
      'requests per source address on the public redeem endpoint; over it: 429 RATE_LIMITED',
    ),
    ADMIN_API_RATE_LIMIT: rateLimitSetting(
      '1200/1m',
      'admin API requests per tenant; over it: 429 RATE_LIMITED',
    ),
    ISSUER_DOCS_ENABLED: z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => (value === undefined ? undefined : value === 'true'))
      .describe('serve Swagger UI and /docs/openapi.json; default: on, off when NODE_ENV=production'),
    HTTP_BODY_LIMIT: env.textWithDefault('16kb', 'largest accepted JSON body'),
    TOKEN_SCOPE_CATALOG: env.scopeCatalog(DEFAULT_SCOPE_CATALOG),
    MAX_TOKENS_PER_TENANT: env.positiveInt(1000, 'most live (active, unexpired) tokens one tenant may hold'),
    MAX_TOKEN_LIFETIME_DAYS: z.coerce
      .number()
      .int()
      .positive()
      .max(36_500, 'must be at most 36500 (100 years)')
      .default(3650)
      .describe(
        'farthest an expiry date may be from now, in days, for every tenant (a tenant policy may be stricter)',
      ),
    AGENT_TOKEN_DEFAULT_EXPIRY_DAYS: env.positiveInt(
      90,
      'expiry of agent tokens created without one (seed 002: 90 days)',
    ),
    API_ACCESS_PLANS: apiAccessPlansSetting(),
    DEFAULT_TENANT_PLAN: z
      .enum(TENANT_PLANS)
      .default('team')
      .describe('plan given to a tenant the first time the issuer sees it'),
    INTERNAL_API_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .describe(
        'bearer secret the worker presents to the internal API (/internal/v1); share it with the worker only',
      ),
    SIGNING_SECRET_ENCRYPTION_KEY: z
      .string()
      .refine((text) => Buffer.from(text, 'base64').length === 32, 'must be 32 bytes in base64')
      .transform((text) => Buffer.from(text, 'base64'))
      .describe(
        'AES-256-GCM key (32 bytes, base64) that encrypts the tenants’ callback signing secrets at rest',
      ),
    SIGNING_SECRET_ENCRYPTION_KEY_ID: keyIdSetting('k1', 'SIGNING_SECRET_ENCRYPTION_KEY'),
    SIGNING_SECRET_PREVIOUS_ENCRYPTION_KEYS: previousKeysSetting(
      'earlier keys that still open stored secrets after a key rotation: id:base64[,id:base64…]',
    ),
    TOKEN_RECOVERY_KEY: z
      .string()
      .refine((text) => Buffer.from(text, 'base64').length === 32, 'must be 32 bytes in base64')
      .transform((text) => Buffer.from(text, 'base64'))
      .optional()
      .describe(
        'AES-256-GCM key (32 bytes, base64) that keeps recoverable tokens (seed 003) encrypted; without it ' +
          'no tenant can turn recoverable tokens on. Use a key of its own, not SIGNING_SECRET_ENCRYPTION_KEY',
      ),
    TOKEN_RECOVERY_KEY_ID: keyIdSetting('r1', 'TOKEN_RECOVERY_KEY'),
    TOKEN_RECOVERY_PREVIOUS_KEYS: previousKeysSetting(
      'earlier recovery keys that still open stored tokens after a key rotation: id:base64[,…]',
    ),
    TOKEN_REVEAL_MAX_AUTH_AGE_SECONDS: env.positiveInt(
      300,
      'how recent the sign-in (the admin JWT’s auth_time) must be to reveal a recoverable token',
    ),
    ISSUER_PUBLIC_URL: env.textWithDefault(
      'http://127.0.0.1:3000',
      'public base URL of the issuer; renewal callbacks name its redeem endpoint',
    ),
    CALLBACK_ALLOW_LIST: callbackAllowListSetting(),
    RENEWAL_DAY_MS: env.durationMs(86_400_000, 'length of one "day" of auto-renewal periods (everyDays)'),
    RENEWAL_OPEN_CLOCK_SKEW_MS: env.durationMs(
      5_000,
      'how early (clock skew between worker and issuer) a renewal offer may be opened before it is due',
    ),
    RENEWAL_REDEEM_WINDOW_MS: env.durationMs(
      7_200_000,
      'how long a renewal key can be redeemed (seed 003: 2 h)',
    ),
    RENEWAL_RECALLBACK_DELAY_MS: env.durationMs(
      86_400_000,
      'after an unredeemed window, when the next callback with a new key is due (seed 003: 24 h)',
    ),
    RENEWAL_OLD_TOKEN_GRACE_MS: env.durationMs(
      86_400_000,
      'how long the old token stays valid once its renewal key is redeemed (seed 003: 24 h)',
    ),
    SIGNING_SECRET_ROTATION_GRACE_MS: env.durationMs(
      86_400_000,
      'how long a rotated signing secret keeps signing callbacks beside the new one',
    ),
    ...leakSettings(),
    IDLE_POLICY_DAY_MS: env.durationMs(
      86_400_000,
      'length of one "day" of the tenants\' idle policies (idleRevokeAfterDays, idleWarningDays)',
    ),
    IDLE_SWEEP_BATCH_SIZE: env.positiveInt(200, 'tokens one idle sweep transaction warns or revokes at most'),
    LOG_LEVEL: env.logLevel(),
  })
  .refine((c) => c.ADMIN_JWT_SECRET !== undefined || c.ADMIN_JWKS_URL !== undefined, {
    path: ['ADMIN_JWT_SECRET'],
    message:
      'set ADMIN_JWKS_URL (your identity provider) or ADMIN_JWT_SECRET (development) to authenticate admins',
  })
  .superRefine((c, ctx) => {
    if (c.INTERNAL_PORT !== 0 && c.INTERNAL_PORT === c.ISSUER_PORT) {
      ctx.addIssue({
        code: 'custom',
        path: ['INTERNAL_PORT'],
        message: 'must differ from ISSUER_PORT: the internal API has its own listener',
      });
    }
    if (c.ADMIN_JWKS_URL !== undefined) {
      // Any application signed by the same identity provider would otherwise be let in.
      for (const key of ['ADMIN_JWT_ISSUER', 'ADMIN_JWT_AUDIENCE'] as const) {
        if (c[key] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message:
              'required with ADMIN_JWKS_URL: JWTs the identity provider issued to other applications must be refused',
          });
        }
      }
    }
    if (
      c.ADMIN_JWKS_URL === undefined &&
      c.NODE_ENV === 'production' &&
      !c.ALLOW_DEV_JWT_SECRET_IN_PRODUCTION
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_JWT_SECRET'],
        message:
          'the HS256 development secret is refused when NODE_ENV=production: set ADMIN_JWKS_URL, ' +
          'ADMIN_JWT_ISSUER and ADMIN_JWT_AUDIENCE (or ALLOW_DEV_JWT_SECRET_IN_PRODUCTION=true for a demo stack)',
      });
    }
  });

/** Why the configuration deserves a warning at start, if it does. */
export function issuerConfigWarnings(config: IssuerConfig): string[] {
  return config.ADMIN_JWKS_URL === undefined && config.NODE_ENV === 'production'
    ? [
        'ADMIN_JWT_SECRET (HS256 development secret) accepted in production because ' +
          'ALLOW_DEV_JWT_SECRET_IN_PRODUCTION=true: anyone holding the secret can sign in as any admin; ' +
          'use ADMIN_JWKS_URL with ADMIN_JWT_ISSUER and ADMIN_JWT_AUDIENCE',
      ]
    : [];
}

export type IssuerConfig = z.infer<typeof schema>;

export function loadIssuerConfig(source: Record<string, string | undefined> = process.env): IssuerConfig {
  const config = loadConfig(schema, source);
  const problems = kafkaSettingsProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export const ISSUER_CONFIG = Symbol('ISSUER_CONFIG');
