import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { consumerLimitsOf, kafkaSecurityOf, kafkaSettings, kafkaSettingsProblems } from './kafka-settings';

const schema = z.object(kafkaSettings());
const load = (env: Record<string, string>) => schema.parse(env);

describe('Kafka settings', () => {
  it('defaults to plaintext without SASL, 3 handler attempts, 60 s of skew, a million per summary', () => {
    const config = load({});
    expect(kafkaSecurityOf(config)).toEqual({});
    expect(kafkaSettingsProblems(config)).toEqual([]);
    expect(consumerLimitsOf(config)).toEqual({
      maxAttempts: 3,
      maxClockSkewMs: 60_000,
      maxUsageCount: 1_000_000,
    });
  });

  it('authenticates with SCRAM over TLS, trusting the given CA', () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'kafka-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const config = load({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'issuer',
      KAFKA_SASL_PASSWORD: 'secret',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
    });
    expect(kafkaSettingsProblems(config)).toEqual([]);
    expect(kafkaSecurityOf(config)).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'issuer', password: 'secret' },
      ssl: { ca: [expect.stringContaining('BEGIN CERTIFICATE')], rejectUnauthorized: true },
    });
  });

  it('names what is missing or unsafe', () => {
    expect(kafkaSettingsProblems(load({ KAFKA_SASL_MECHANISM: 'scram-sha-256' }))).toEqual([
      expect.stringMatching(/^missing KAFKA_SASL_USERNAME/),
      expect.stringMatching(/^missing KAFKA_SASL_PASSWORD/),
    ]);
    expect(
      kafkaSettingsProblems(
        load({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }),
      ),
    ).toEqual([expect.stringMatching(/^bad KAFKA_SASL_MECHANISM/)]);
    expect(kafkaSettingsProblems(load({ KAFKA_SSL_CA_FILE: '/ca.pem' }))).toEqual([
      expect.stringMatching(/^bad KAFKA_SSL_CA_FILE/),
    ]);
    expect(() => load({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow();
    expect(() => load({ KAFKA_HANDLER_MAX_ATTEMPTS: '0' })).toThrow();
  });
});
