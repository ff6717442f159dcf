import { ConfigError } from '@latchkey/service-runtime';
import { loadWorkerConfig } from './config';

const required = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
  INTERNAL_API_SECRET: 's'.repeat(32),
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadWorkerConfig', () => {
  it('defaults every duration to the seed’s values', () => {
    expect(loadWorkerConfig(required)).toMatchObject({
      ISSUER_INTERNAL_URL: 'http://127.0.0.1:3003',
      CALLBACK_ALLOW_LIST: [],
      CALLBACK_TIMEOUT_MS: 10_000,
      CALLBACK_RETRY_BASE_MS: 30_000,
      CALLBACK_RETRY_MAX_MS: 900_000,
      SMTP_URL: 'smtp://127.0.0.1:1025',
      MAIL_FROM: 'Latchkey <no-reply@latchkey.local>',
      EXPIRY_REMINDER_DAYS: [30, 7, 0],
      REMINDER_DAY_MS: 86_400_000,
      WORKER_JOB_LOCK_MS: 30_000,
      WORKER_STALLED_INTERVAL_MS: 30_000,
      WORKER_CONCURRENCY: 10,
    });
  });

  it('keeps its queues apart from the verifiers’ cache: database 1 of REDIS_URL unless WORKER_REDIS_URL', () => {
    expect(loadWorkerConfig(required).WORKER_REDIS_URL).toBe('redis://127.0.0.1:6379/1');
    expect(loadWorkerConfig({ ...required, REDIS_URL: 'redis://:pw@cache:6379/0' }).WORKER_REDIS_URL).toBe(
      'redis://:pw@cache:6379/1',
    );
    expect(
      loadWorkerConfig({ ...required, WORKER_REDIS_URL: 'redis://queues:6379/3' }).WORKER_REDIS_URL,
    ).toBe('redis://queues:6379/3');
    const { REDIS_URL: _unused, ...withoutRedis } = required;
    expect(problemsOf(withoutRedis)[0]).toMatch(/WORKER_REDIS_URL/);
  });

  it('requires the internal API secret, at least 32 characters', () => {
    expect(problemsOf({ ...required, INTERNAL_API_SECRET: '' })[0]).toMatch(/^missing INTERNAL_API_SECRET/);
    expect(problemsOf({ ...required, INTERNAL_API_SECRET: 'short' })[0]).toMatch(/^bad INTERNAL_API_SECRET/);
  });

  it('parses reminder offsets, largest first, without duplicates', () => {
    expect(loadWorkerConfig({ ...required, EXPIRY_REMINDER_DAYS: '0, 7,30,7' }).EXPIRY_REMINDER_DAYS).toEqual(
      [30, 7, 0],
    );
    expect(problemsOf({ ...required, EXPIRY_REMINDER_DAYS: '7,-1' })[0]).toMatch(/^bad EXPIRY_REMINDER_DAYS/);
  });

  it('parses the callback allow-list and names a bad entry', () => {
    expect(
      loadWorkerConfig({ ...required, CALLBACK_ALLOW_LIST: 'http://127.0.0.1:4010' }).CALLBACK_ALLOW_LIST,
    ).toEqual(['http://127.0.0.1:4010']);
    expect(problemsOf({ ...required, CALLBACK_ALLOW_LIST: 'ftp://x' })[0]).toMatch(
      /^bad CALLBACK_ALLOW_LIST/,
    );
  });

  it('refuses a retry cap below its base and a non-SMTP mail URL', () => {
    expect(
      problemsOf({ ...required, CALLBACK_RETRY_BASE_MS: '1000', CALLBACK_RETRY_MAX_MS: '10' })[0],
    ).toMatch(/^bad CALLBACK_RETRY_MAX_MS/);
    expect(problemsOf({ ...required, SMTP_URL: 'http://mail' })[0]).toMatch(/^bad SMTP_URL/);
  });
});
