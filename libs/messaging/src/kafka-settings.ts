import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';

/**
 * The Kafka variables every service reads the same way: how to authenticate to the brokers (SASL/SCRAM,
 * TLS) and how far consumers trust what they read. Spread into each app's config schema.
 */
export function kafkaSettings() {
  return {
    KAFKA_SASL_MECHANISM: z
      .enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512'])
      .default('none')
      .describe(
        'SASL mechanism for the brokers: none, scram-sha-256, scram-sha-512 (or plain, over TLS only)',
      ),
    KAFKA_SASL_USERNAME: z.string().optional().describe('SASL user of this service'),
    KAFKA_SASL_PASSWORD: z.string().optional().describe('SASL password of this service'),
    KAFKA_SSL: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true')
      .describe('connect to the brokers over TLS (true/false)'),
    KAFKA_SSL_CA_FILE: z
      .string()
      .optional()
      .describe('PEM file of the CA that signed the brokers’ certificates (default: the system CAs)'),
    KAFKA_EVENT_FORMAT: z
      .enum(['cloudevents', 'legacy'])
      .default('cloudevents')
      .describe(
        'how events are published: cloudevents (CloudEvents 1.0, structured mode) or legacy (the ' +
          'envelope before, for the first step of an upgrade); consumers read both',
      ),
    KAFKA_HANDLER_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('attempts at handling one message before it goes to the dead-letter topic'),
    KAFKA_MAX_CLOCK_SKEW_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe('event timestamps later than now plus this are set to now plus this'),
    KAFKA_MAX_USAGE_COUNT: z.coerce
      .number()
      .int()
      .positive()
      .default(1_000_000)
      .describe('most verifications one TokenUsed summary may count; a larger one is dead-lettered'),
  };
}

export type KafkaSettingsConfig = z.infer<z.ZodObject<ReturnType<typeof kafkaSettings>>>;

/** What `createKafka` needs to reach the brokers securely, from the settings above. */
export interface KafkaConnectionSecurity {
  ssl?: KafkaConfig['ssl'];
  sasl?: SASLOptions;
}

/** What is wrong with the settings taken together (each entry names its variable); empty when nothing. */
export function kafkaSettingsProblems(config: KafkaSettingsConfig): string[] {
  const problems: string[] = [];
  const mechanism = config.KAFKA_SASL_MECHANISM;
  if (mechanism !== 'none' && !config.KAFKA_SASL_USERNAME) {
    problems.push(`missing KAFKA_SASL_USERNAME (required with KAFKA_SASL_MECHANISM=${mechanism})`);
  }
  if (mechanism !== 'none' && !config.KAFKA_SASL_PASSWORD) {
    problems.push(`missing KAFKA_SASL_PASSWORD (required with KAFKA_SASL_MECHANISM=${mechanism})`);
  }
  if (mechanism === 'plain' && !config.KAFKA_SSL) {
    problems.push('bad KAFKA_SASL_MECHANISM: plain sends the password in clear; set KAFKA_SSL=true');
  }
  if (config.KAFKA_SSL_CA_FILE && !config.KAFKA_SSL) {
    problems.push('bad KAFKA_SSL_CA_FILE: set KAFKA_SSL=true to use it');
  }
  return problems;
}

/** The kafkajs `ssl` and `sasl` options; reads the CA file (a wrong path fails the start, naming it). */
export function kafkaSecurityOf(config: KafkaSettingsConfig): KafkaConnectionSecurity {
  const security: KafkaConnectionSecurity = {};
  if (config.KAFKA_SSL) {
    security.ssl = config.KAFKA_SSL_CA_FILE
      ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')], rejectUnauthorized: true }
      : { rejectUnauthorized: true };
  }
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = config;
  if (mechanism !== 'none' && username && password) security.sasl = { mechanism, username, password };
  return security;
}

/** The consumer limits of `EventConsumer`, from the settings above. */
export function consumerLimitsOf(config: KafkaSettingsConfig) {
  return {
    maxAttempts: config.KAFKA_HANDLER_MAX_ATTEMPTS,
    maxClockSkewMs: config.KAFKA_MAX_CLOCK_SKEW_MS,
    maxUsageCount: config.KAFKA_MAX_USAGE_COUNT,
  };
}
