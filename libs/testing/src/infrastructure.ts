import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface ServiceAddresses {
  DATABASE_URL: string;
  REDIS_URL: string;
  KAFKA_BROKERS: string;
}

export type InfrastructureSource = 'env' | 'testcontainers' | 'local';

export interface ProvidedInfrastructure {
  source: InfrastructureSource;
  addresses: ServiceAddresses;
  /** Stops what this call started (containers); services it merely found are left running. */
  stop(): Promise<void>;
}

const KEYS = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS'] as const;

/**
 * Real Postgres, Redis and Kafka for integration tests, in this order of preference:
 * 1. the services named by DATABASE_URL, REDIS_URL and KAFKA_BROKERS;
 * 2. containers, where a Docker engine answers (testcontainers);
 * 3. the project's infra script: the machine's Postgres and Redis and a local KRaft broker.
 */
export async function provideInfrastructure(repoRoot: string): Promise<ProvidedInfrastructure> {
  if (KEYS.every((k) => process.env[k])) {
    return { source: 'env', addresses: pick(process.env), stop: () => Promise.resolve() };
  }
  if (dockerEngineAnswers()) {
    return startContainers();
  }
  const output = execFileSync('bash', [resolve(repoRoot, 'infra/infra.sh'), 'up'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, INFRA_MODE: 'local' },
    timeout: 10 * 60_000,
  });
  return {
    source: 'local',
    addresses: { ...parseEnvLines(output), ...pick(process.env, true) },
    stop: () => Promise.resolve(),
  };
}

export function parseEnvLines(text: string): ServiceAddresses {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  for (const key of KEYS) {
    if (!values[key]) throw new Error(`infra script did not print ${key}; got:\n${text}`);
  }
  return pick(values);
}

function pick(source: Record<string, string | undefined>, onlyPresent = false): ServiceAddresses {
  const entries = KEYS.filter((k) => !onlyPresent || source[k]).map((k) => [k, source[k] ?? ''] as const);
  return Object.fromEntries(entries) as unknown as ServiceAddresses;
}

function dockerEngineAnswers(): boolean {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<ProvidedInfrastructure> {
  // Loaded only where a Docker engine exists, so hosts without one never touch testcontainers.
  const [{ PostgreSqlContainer }, { RedisContainer }, { KafkaContainer }] = await Promise.all([
    import('@testcontainers/postgresql'),
    import('@testcontainers/redis'),
    import('@testcontainers/kafka'),
  ]);
  const [postgres, redis, kafka] = await Promise.all([
    new PostgreSqlContainer('postgres:17-alpine').withDatabase('latchkey').start(),
    new RedisContainer('redis:7-alpine').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.9.0')
      .withKraft()
      .withEnvironment({
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .start(),
  ]);
  return {
    source: 'testcontainers',
    addresses: {
      DATABASE_URL: postgres.getConnectionUri(),
      REDIS_URL: redis.getConnectionUrl(),
      KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    },
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
    },
  };
}
