import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
// Relative imports: Jest loads global setup without moduleNameMapper.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDatabase, dropDatabase } from '../../../libs/testing/src/database';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { provideInfrastructure } from '../../../libs/testing/src/infrastructure';
import { runMigrations } from '../src/database/data-source';

const STATE_KEY = '__latchkeyMediumRun';

interface MediumRun {
  serverUrl: string;
  databaseName: string;
}

/**
 * Once per run of the `medium` project (repositories on real Postgres): a fresh database, migrated with
 * the issuer's own migrations, named in DATABASE_URL for the specs; dropped again at the end.
 */
export default async function setup(): Promise<void> {
  const infrastructure = await provideInfrastructure(resolve(__dirname, '../../..'));
  const serverUrl = infrastructure.addresses.DATABASE_URL;
  const databaseName = `latchkey_medium_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const databaseUrl = await createDatabase(serverUrl, databaseName);
  await runMigrations(databaseUrl);
  process.env.DATABASE_URL = databaseUrl;
  const run: MediumRun = { serverUrl, databaseName };
  (globalThis as Record<string, unknown>)[STATE_KEY] = run;
}

export async function teardown(): Promise<void> {
  const run = (globalThis as Record<string, unknown>)[STATE_KEY] as MediumRun | undefined;
  if (run) await dropDatabase(run.serverUrl, run.databaseName);
}
