import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
// Relative imports: Jest loads global setup without moduleNameMapper.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDatabase } from '../../../libs/testing/src/database';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { provideInfrastructure } from '../../../libs/testing/src/infrastructure';
import { REPO_ROOT, type RunState, RUN_STATE_KEY } from './run-state';

/**
 * Once per e2e run: build the services (incremental), provide real services, create a fresh database
 * migrated by the issuer's own migration command, and per-run namespaces for Kafka topics, consumer
 * groups and Redis keys, so runs never see each other.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  const infrastructure = await provideInfrastructure(REPO_ROOT);
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const databaseName = `latchkey_test_${runId}`;
  const serverUrl = infrastructure.addresses.DATABASE_URL;
  const databaseUrl = await createDatabase(serverUrl, databaseName);
  execFileSync(process.execPath, [resolve(REPO_ROOT, 'apps/issuer/dist/cli/migrate.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: infrastructure.addresses.REDIS_URL,
    KAFKA_BROKERS: infrastructure.addresses.KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: `test-${runId}.`,
    REDIS_KEY_PREFIX: `latchkey-test-${runId}:`,
    ADMIN_JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_API_SECRET: randomBytes(32).toString('hex'),
    SIGNING_SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CACHE_SIGNING_KEY: randomBytes(32).toString('hex'),
    LATCHKEY_TEST_RUN_ID: runId,
    LATCHKEY_INFRA_SOURCE: infrastructure.source,
  });
  const state: RunState = { infrastructure, serverUrl, databaseName, runId };
  (globalThis as Record<string, unknown>)[RUN_STATE_KEY] = state;
  process.stderr.write(
    `\n[e2e] services from ${infrastructure.source}; database ${databaseName}; ready in ${Date.now() - started} ms\n`,
  );
}
