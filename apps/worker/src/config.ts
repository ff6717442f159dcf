import { z } from 'zod';
import { callbackAllowListSetting } from '@latchkey/callback-safety';
import { kafkaSettings, kafkaSettingsProblems } from '@latchkey/messaging';
import { ConfigError, env, loadConfig } from '@latchkey/service-runtime';

const schema = z
  .object({
    WORKER_PORT: env.port(3002, 'HTTP port for /health and /ready'),
    REDIS_URL: z
      .url()
      .optional()
      .describe(
        'Redis server of the verifiers’ cache; the worker uses its database 1 unless WORKER_REDIS_URL is set',
      ),
    WORKER_REDIS_URL: z
      .url()
      .optional()
      .describe(
        'Redis for job queues and event de-duplication; its own database, never the verifiers’ cache',
      ),
    REDIS_KEY_PREFIX: env.textWithDefault('latchkey:', 'namespace for every Redis key'),
    KAFKA_BROKERS: env.brokers('comma-separated Kafka bootstrap brokers, e.g. 127.0.0.1:9092'),
    KAFKA_TOPIC_PREFIX: env.textWithDefault('', 'namespace prepended to every topic name'),
    ...kafkaSettings(),
    WORKER_KAFKA_CLIENT_ID: env.textWithDefault('latchkey-worker', 'Kafka client id'),
    WORKER_KAFKA_GROUP_ID: env.textWithDefault(
      'latchkey-worker',
      'consumer group for token lifecycle events',
    ),
    PROCESSED_EVENT_TTL_SECONDS: env.positiveInt(7 * 24 * 3600, 'how long an applied event id is remembered'),

    ISSUER_INTERNAL_URL: z
      .url()
      .default('http://127.0.0.1:3003')
      .describe('base URL of the issuer’s internal API (/internal/v1), reachable from the worker only'),
    INTERNAL_API_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters')
      .describe('bearer secret presented to the issuer’s internal API; the same value as the issuer’s'),
    ISSUER_REQUEST_TIMEOUT_MS: env.durationMs(
      5_000,
      'how long one call to the issuer’s internal API may take',
    ),

    CALLBACK_ALLOW_LIST: callbackAllowListSetting(),
    CALLBACK_TIMEOUT_MS: env.durationMs(10_000, 'one callback attempt, connect to response, at most'),
    CALLBACK_RETRY_BASE_MS: env.durationMs(30_000, 'first callback retry delay (exponential, full jitter)'),
    CALLBACK_RETRY_MAX_MS: env.durationMs(900_000, 'longest delay between two callback attempts'),

    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/?#]+/i, 'must be an smtp:// or smtps:// URL')
      .default('smtp://127.0.0.1:1025')
      .describe('SMTP server for notification mail, e.g. smtps://user:pass@mail.example.com:465'),
    CONSOLE_PUBLIC_URL: z
      .url()
      .default('http://127.0.0.1:3000/console')
      .describe('public address of the console; mails link to its token pages (<url>/tokens/<id>)'),
    MAIL_FROM: env.textWithDefault('Latchkey <no-reply@latchkey.local>', 'sender of notification mail'),
    EXPIRY_REMINDER_DAYS: z
      .string()
      .default('30,7,0')
      .transform((text, ctx) => {
        const entries = text
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean);
        if (!entries.every((entry) => /^\d{1,4}$/.test(entry))) {
          ctx.addIssue('must be a comma-separated list of whole numbers of days, e.g. 30,7,0');
          return z.NEVER;
        }
        return [...new Set(entries.map(Number))].sort((a, b) => b - a);
      })
      .describe(
        'days before expiry on which the creator of a token without auto-renewal is reminded, unless its tenant chose its own',
      ),
    REMINDER_DAY_MS: env.durationMs(86_400_000, 'length of one "day" of EXPIRY_REMINDER_DAYS'),
    IDLE_SWEEP_INTERVAL_MS: env.durationMs(
      3_600_000,
      "how often the tenants' idle policies are applied (warnings, then idle revocations)",
    ),

    WORKER_JOB_LOCK_MS: env.durationMs(30_000, 'job lock; a crashed worker’s jobs are retried after it'),
    WORKER_STALLED_INTERVAL_MS: env.durationMs(30_000, 'how often jobs of crashed workers are looked for'),
    WORKER_CONCURRENCY: env.positiveInt(10, 'jobs each queue processes at once'),
    WORKER_JOB_RETRY_BASE_MS: env.durationMs(
      5_000,
      'first retry delay of a job that met a transient failure (issuer down, SMTP down)',
    ),
    WORKER_JOB_RETRY_MAX_MS: env.durationMs(300_000, 'longest retry delay of such a job'),
    LOG_LEVEL: env.logLevel(),
  })
  .refine((c) => c.WORKER_REDIS_URL !== undefined || c.REDIS_URL !== undefined, {
    path: ['WORKER_REDIS_URL'],
    message: 'set WORKER_REDIS_URL (or REDIS_URL, whose database 1 is then used)',
  })
  .refine((c) => c.CALLBACK_RETRY_MAX_MS >= c.CALLBACK_RETRY_BASE_MS, {
    path: ['CALLBACK_RETRY_MAX_MS'],
    message: 'must not be smaller than CALLBACK_RETRY_BASE_MS',
  })
  .refine((c) => c.WORKER_JOB_RETRY_MAX_MS >= c.WORKER_JOB_RETRY_BASE_MS, {
    path: ['WORKER_JOB_RETRY_MAX_MS'],
    message: 'must not be smaller than WORKER_JOB_RETRY_BASE_MS',
  });

export type WorkerConfig = Omit<z.infer<typeof schema>, 'REDIS_URL' | 'WORKER_REDIS_URL'> & {
  /** The worker's own Redis database (queues, processed events), apart from the verifiers' cache. */
  WORKER_REDIS_URL: string;
};

/** The database the worker uses by default: number 1 of the cache's server (the cache uses 0). */
export const WORKER_REDIS_DATABASE = 1;

export function loadWorkerConfig(source: Record<string, string | undefined> = process.env): WorkerConfig {
  const { REDIS_URL, WORKER_REDIS_URL, ...rest } = loadConfig(schema, source);
  const problems = kafkaSettingsProblems(rest);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...rest,
    WORKER_REDIS_URL: WORKER_REDIS_URL ?? withDatabase(REDIS_URL ?? '', WORKER_REDIS_DATABASE),
  };
}

/** `url` pointing at Redis database `db` (the path of a redis:// URL names the database). */
export function withDatabase(url: string, db: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
