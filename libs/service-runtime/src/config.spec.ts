import { z } from 'zod';
import { ConfigError, env, loadConfig } from './config';

const schema = z.object({
  PORT: env.port(3000, 'HTTP port'),
  DATABASE_URL: env.url('PostgreSQL connection string'),
  BROKERS: env.brokers('Kafka brokers'),
});

describe('loadConfig', () => {
  it('applies defaults and parses values', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgresql://db/x', BROKERS: 'a:1, b:2' })).toEqual({
      PORT: 3000,
      DATABASE_URL: 'postgresql://db/x',
      BROKERS: ['a:1', 'b:2'],
    });
  });

  it('names every missing variable with what it is for', () => {
    const error = captureError(() => loadConfig(schema, { PORT: '80' }));
    expect(error.problems).toEqual([
      'missing DATABASE_URL (PostgreSQL connection string)',
      'missing BROKERS (Kafka brokers)',
    ]);
  });

  it('treats an empty value as missing', () => {
    const error = captureError(() => loadConfig(schema, { DATABASE_URL: '', BROKERS: 'a:1' }));
    expect(error.problems).toEqual(['missing DATABASE_URL (PostgreSQL connection string)']);
  });

  it('names a malformed variable', () => {
    const error = captureError(() =>
      loadConfig(schema, { PORT: 'eighty', DATABASE_URL: 'x', BROKERS: 'a:1' }),
    );
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^bad PORT: .*\(HTTP port\)$/);
    expect(error.problems[1]).toMatch(/^bad DATABASE_URL: /);
  });
});

function captureError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
