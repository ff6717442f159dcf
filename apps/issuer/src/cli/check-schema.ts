import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';

/**
 * `node apps/issuer/dist/cli/check-schema.js`: exits 1 and prints the SQL when the entities describe a
 * schema the migrations (already applied to DATABASE_URL) do not produce, i.e. a migration is missing.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('missing DATABASE_URL (a database with every migration applied)');
    process.exit(2);
  }
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  try {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    if (pending.upQueries.length === 0) {
      console.log('schema: entities and migrations agree');
      return;
    }
    console.error('schema drift: the entities need a migration the repository lacks:');
    for (const query of pending.upQueries) console.error(`  ${query.query};`);
    process.exitCode = 1;
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error('schema check failed:', error instanceof Error ? error.message : error);
  process.exit(2);
});
