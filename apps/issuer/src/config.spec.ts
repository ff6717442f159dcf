import { ConfigError } from '@latchkey/service-runtime';
import { issuerConfigWarnings, loadIssuerConfig } from './config';

const required = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
  INTERNAL_API_SECRET: 'i'.repeat(32),
  SIGNING_SECRET_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  CACHE_SIGNING_KEY: 'c'.repeat(32),
};
const devSecret = { ADMIN_JWT_SECRET: 's'.repeat(32) };
const jwks = {
  ADMIN_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  ADMIN_JWT_ISSUER: 'https://idp.example.com/',
  ADMIN_JWT_AUDIENCE: 'latchkey',
};

function refusal(env: Record<string, string>): string {
  try {
    loadIssuerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('loadIssuerConfig: admin JWTs', () => {
  it('accepts a JWKS with its issuer and audience', () => {
    expect(loadIssuerConfig({ ...required, ...jwks, NODE_ENV: 'production' })).toMatchObject(jwks);
  });

  it.each(['ADMIN_JWT_ISSUER', 'ADMIN_JWT_AUDIENCE'] as const)(
    'refuses a JWKS without %s: JWTs for other applications would pass',
    (missing) => {
      const env: Record<string, string> = { ...required, ...jwks };
      delete env[missing];
      expect(refusal(env)).toContain(missing);
    },
  );

  it('refuses the HS256 development secret when NODE_ENV=production', () => {
    expect(refusal({ ...required, ...devSecret, NODE_ENV: 'production' })).toContain('ADMIN_JWT_SECRET');
  });

  it('allows it in production only when told to, with a warning', () => {
    const config = loadIssuerConfig({
      ...required,
      ...devSecret,
      NODE_ENV: 'production',
      ALLOW_DEV_JWT_SECRET_IN_PRODUCTION: 'true',
    });
    expect(issuerConfigWarnings(config)).toEqual([expect.stringContaining('ADMIN_JWT_SECRET')]);
  });

  it('refuses a setting that is neither true nor false', () => {
    expect(
      refusal({
        ...required,
        ...devSecret,
        NODE_ENV: 'production',
        ALLOW_DEV_JWT_SECRET_IN_PRODUCTION: 'yes',
      }),
    ).toContain('ALLOW_DEV_JWT_SECRET_IN_PRODUCTION');
  });

  it('takes the HS256 secret outside production, silently', () => {
    const config = loadIssuerConfig({ ...required, ...devSecret, NODE_ENV: 'development' });
    expect(issuerConfigWarnings(config)).toEqual([]);
    expect(issuerConfigWarnings(loadIssuerConfig({ ...required, ...devSecret }))).toEqual([]);
  });
});

describe('loadIssuerConfig: the internal API listener', () => {
  it('listens on 127.0.0.1:3003 by default', () => {
    expect(loadIssuerConfig({ ...required, ...devSecret })).toMatchObject({
      ISSUER_PORT: 3000,
      INTERNAL_PORT: 3003,
      INTERNAL_HOST: '127.0.0.1',
    });
  });

  it('refuses the public port for it', () => {
    expect(refusal({ ...required, ...devSecret, ISSUER_PORT: '4000', INTERNAL_PORT: '4000' })).toContain(
      'INTERNAL_PORT',
    );
  });
});

describe('loadIssuerConfig: recoverable tokens (seed 003)', () => {
  it('has no recovery key by default (no tenant can turn them on), and a 5-minute fresh sign-in', () => {
    const config = loadIssuerConfig({ ...required, ...devSecret });
    expect(config.TOKEN_RECOVERY_KEY).toBeUndefined();
    expect(config.TOKEN_RECOVERY_KEY_ID).toBe('r1');
    expect(config.TOKEN_RECOVERY_PREVIOUS_KEYS).toEqual([]);
    expect(config.TOKEN_REVEAL_MAX_AUTH_AGE_SECONDS).toBe(300);
  });

  it('takes a 32-byte key with its id and previous keys', () => {
    const key = Buffer.alloc(32, 9);
    const config = loadIssuerConfig({
      ...required,
      ...devSecret,
      TOKEN_RECOVERY_KEY: key.toString('base64'),
      TOKEN_RECOVERY_KEY_ID: 'r2',
      TOKEN_RECOVERY_PREVIOUS_KEYS: `r1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    expect(config.TOKEN_RECOVERY_KEY?.equals(key)).toBe(true);
    expect(config.TOKEN_RECOVERY_PREVIOUS_KEYS.map(([id]) => id)).toEqual(['r1']);
  });

  it('refuses a key of the wrong length and a malformed previous key, naming the setting', () => {
    expect(
      refusal({ ...required, ...devSecret, TOKEN_RECOVERY_KEY: Buffer.alloc(16).toString('base64') }),
    ).toContain('TOKEN_RECOVERY_KEY');
    expect(refusal({ ...required, ...devSecret, TOKEN_RECOVERY_PREVIOUS_KEYS: 'r1:short' })).toContain(
      'TOKEN_RECOVERY_PREVIOUS_KEYS',
    );
  });
});
