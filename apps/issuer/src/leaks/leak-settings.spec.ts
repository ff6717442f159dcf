import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, loadConfig } from '@latchkey/service-runtime';
import { leakSettings } from './leak-settings';

const load = (env: Record<string, string>) => loadConfig(z.object(leakSettings()), env);
const pem = (type: 'ec' | 'rsa') =>
  (type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 })
  ).publicKey
    .export({ type: 'spki', format: 'pem' })
    .toString();

describe('leak settings', () => {
  it('leaves the intake off with no key source, and has defaults for the rest', () => {
    expect(load({})).toMatchObject({
      LEAK_REPORT_KEYS_URL: undefined,
      LEAK_REPORT_PUBLIC_KEYS: [],
      LEAK_REPORT_KEYS_TIMEOUT_MS: 5_000,
      LEAK_REPORT_KEYS_CACHE_MS: 3_600_000,
      LEAK_REPORT_KEYS_REFRESH_MIN_MS: 60_000,
      LEAK_REPORT_BODY_LIMIT: '512kb',
      LEAK_REPORT_MAX_TOKENS: 1_000,
      REVOKE_SELF_RATE_LIMIT: { limit: 10, windowMs: 60_000 },
    });
  });

  it('reads inline keys in the keys document shape', () => {
    const config = load({
      LEAK_REPORT_PUBLIC_KEYS: JSON.stringify({ public_keys: [{ key_identifier: 'k1', key: pem('ec') }] }),
    });
    expect(config.LEAK_REPORT_PUBLIC_KEYS.map((k) => [k.id, k.key.asymmetricKeyType])).toEqual([
      ['k1', 'ec'],
    ]);
  });

  it.each([
    ['not JSON', '{public_keys'],
    ['an RSA key', JSON.stringify({ public_keys: [{ key_identifier: 'k1', key: pem('rsa') }] })],
    ['a key that is not PEM', JSON.stringify({ public_keys: [{ key_identifier: 'k1', key: 'abc' }] })],
  ])('refuses inline keys that are %s, naming the variable', (_what, value) => {
    expect(() => load({ LEAK_REPORT_PUBLIC_KEYS: value })).toThrow(ConfigError);
    expect(() => load({ LEAK_REPORT_PUBLIC_KEYS: value })).toThrow(/LEAK_REPORT_PUBLIC_KEYS/);
  });

  it('refuses a keys URL that is not http(s)', () => {
    expect(() => load({ LEAK_REPORT_KEYS_URL: 'file:///etc/keys.json' })).toThrow(/LEAK_REPORT_KEYS_URL/);
  });
});
