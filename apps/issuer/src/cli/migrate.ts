import { runMigrations } from '../database/data-source';

/** `node apps/issuer/dist/cli/migrate.js`: applies pending migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('missing DATABASE_URL (PostgreSQL connection string of the issuer database)');
    process.exit(1);
  }
  const applied = await runMigrations(url);
  console.log(applied.length === 0 ? 'migrations: up to date' : `migrations applied: ${applied.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error('migration failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
