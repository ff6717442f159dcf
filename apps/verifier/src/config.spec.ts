import { ConfigError } from '@latchkey/service-runtime';
import { loadVerifierConfig } from './config';

const required = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9092',
  CACHE_SIGNING_KEY: 'k'.repeat(32),
};

describe('loadVerifierConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadVerifierConfig(required);

    expect(config).toMatchObject({
      REDIS_KEY_PREFIX: 'latchkey:',
      KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.2:9092'],
      KAFKA_TOPIC_PREFIX: '',
      VERIFIER_KAFKA_CLIENT_ID: 'latchkey-verifier',
      VERIFIER_HTTP_PORT: 3001,
      VERIFIER_GRPC_URL: '0.0.0.0:50051',
      TOKEN_CACHE_TTL_SECONDS: 300,
      NEGATIVE_CACHE_TTL_SECONDS: 30,
      USAGE_FLUSH_INTERVAL_MS: 60_000,
      LOG_LEVEL: 'info',
    });
    expect(config.VERIFIER_INSTANCE_ID).toMatch(new RegExp(`-${process.pid}$`));
  });

  it('accepts port 0 so tests can let the OS pick the HTTP port', () => {
    expect(loadVerifierConfig({ ...required, VERIFIER_HTTP_PORT: '0' }).VERIFIER_HTTP_PORT).toBe(0);
  });

  it('names every missing variable', () => {
    const error = thrownBy(() => loadVerifierConfig({}));

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^missing DATABASE_URL/),
        expect.stringMatching(/^missing REDIS_URL/),
        expect.stringMatching(/^missing KAFKA_BROKERS/),
        expect.stringMatching(/^missing CACHE_SIGNING_KEY/),
      ]),
    );
  });

  it('refuses a cache signing key shorter than 32 characters', () => {
    expect(() => loadVerifierConfig({ ...required, CACHE_SIGNING_KEY: 'short' })).toThrow(
      /bad CACHE_SIGNING_KEY/,
    );
  });

  it('rejects a non-numeric TTL', () => {
    expect(() => loadVerifierConfig({ ...required, TOKEN_CACHE_TTL_SECONDS: 'soon' })).toThrow(
      /bad TOKEN_CACHE_TTL_SECONDS/,
    );
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}
