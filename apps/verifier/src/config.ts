import { hostname } from 'node:os';
import { apiAccessPlansSetting, DEFAULT_SCOPE_CATALOG, TENANT_PLANS } from '@latchkey/contracts';
import { kafkaSettings, kafkaSettingsProblems } from '@latchkey/messaging';
import {
  ConfigError,
  databaseSettings,
  env,
  loadConfig,
  rateLimitSetting,
  trustProxySetting,
} from '@latchkey/service-runtime';
import { z } from 'zod';

const verifierConfigSchema = z.object({
  DATABASE_URL: env.url(
    'Postgres connection URL as the read-only role latchkey_verifier (created by the issuer’s migrations)',
  ),
  // A verification that cannot read Postgres quickly answers UNAVAILABLE rather than wait.
  ...databaseSettings({ poolSize: 10, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 }),
  REDIS_URL: env.url('Redis connection URL for the shared token-state cache'),
  REDIS_KEY_PREFIX: env.textWithDefault('latchkey:', 'namespace for Redis keys, shared with the issuer'),
  CACHE_SIGNING_KEY: env.cacheSigningKey(),
  KAFKA_BROKERS: env.brokers('comma-separated Kafka bootstrap brokers, e.g. 127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: env.textWithDefault('', 'namespace for Kafka topic names, e.g. `staging.`'),
  ...kafkaSettings(),
  VERIFIER_KAFKA_CLIENT_ID: env.textWithDefault('latchkey-verifier', 'Kafka client id'),
  VERIFIER_HTTP_PORT: env.port(
    3001,
    'HTTP port for POST /v1/verify, /health and /ready; 0 picks a free port',
  ),
  VERIFIER_GRPC_URL: env.textWithDefault(
    '0.0.0.0:50051',
    'host:port the gRPC TokenVerifier service binds to',
  ),
  VERIFIER_GRPC_DRAIN_MS: env.durationMs(
    10_000,
    'on shutdown, how long gRPC calls in flight may finish before they are cancelled',
  ),
  TOKEN_CACHE_TTL_SECONDS: env.positiveInt(
    300,
    'how long a known token state stays cached in Redis and in this process',
  ),
  CACHE_LEASE_MS: env.durationMs(
    2_000,
    'cache lease, the same on issuer and verifiers: this verifier answers from memory and Redis only while its lease, renewed every quarter of it, holds',
  ),
  VERIFIER_MEMORY_CACHE_MAX_ENTRIES: env.positiveInt(
    50_000,
    'most token states and member standings kept in this process; the least recently used go first',
  ),
  VERIFIER_MEMORY_CACHE_MAX_BYTES: env.positiveInt(
    32 * 1024 * 1024,
    'most bytes (estimated) those entries may take in this process',
  ),
  NEGATIVE_CACHE_TTL_SECONDS: env.positiveInt(
    30,
    'how long an unknown token hash is remembered (in this process, never in Redis)',
  ),
  NEGATIVE_CACHE_MAX_ENTRIES: env.positiveInt(
    100_000,
    'most unknown token hashes remembered in this process; the least recently used go first',
  ),
  VERIFY_REFUSAL_RATE_LIMIT: rateLimitSetting(
    '600/1m',
    'refused verifications per caller address (HTTP and gRPC); over it, refusals answer 429 / RESOURCE_EXHAUSTED',
  ),
  TRUST_PROXY: trustProxySetting(),
  USAGE_FLUSH_INTERVAL_MS: env.durationMs(
    60_000,
    'how often aggregated usage is published (one TokenUsed and one TokenVerificationsCounted per token)',
  ),
  VERIFICATION_ANALYTICS: env.flag(
    true,
    'count every verdict per token, minute, reason and caller (TokenVerificationsCounted); off, only successful uses are counted (TokenUsed)',
  ),
  VERIFICATION_ANALYTICS_MAX_CALLERS: env.positiveInt(
    20,
    'most distinct caller names counted per token and minute; verdicts of further callers are counted as `(other)`',
  ),
  VERIFIER_INSTANCE_ID: env.textWithDefault(
    `${hostname()}-${process.pid}`,
    'names this instance in TokenUsed events',
  ),
  TOKEN_SCOPE_CATALOG: env.scopeCatalog(DEFAULT_SCOPE_CATALOG),
  // The issuer's two plan settings, the same values: a tenant on a plan without API access has its
  // tokens refused (PLAN_INACTIVE).
  API_ACCESS_PLANS: apiAccessPlansSetting(),
  DEFAULT_TENANT_PLAN: z
    .enum(TENANT_PLANS)
    .default('team')
    .describe('plan of a tenant the issuer has not stored yet (the issuer’s DEFAULT_TENANT_PLAN)'),
  LOG_LEVEL: env.logLevel(),
});

export type VerifierConfig = z.infer<typeof verifierConfigSchema>;

/** Injection token for the validated VerifierConfig. */
export const VERIFIER_CONFIG = Symbol('VERIFIER_CONFIG');

/** Validates the verifier's environment; throws a ConfigError naming every bad or missing variable. */
export function loadVerifierConfig(source: Record<string, string | undefined>): VerifierConfig {
  const config = loadConfig(verifierConfigSchema, source);
  const problems = kafkaSettingsProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
