import { runMigrations, setVerifierRolePassword } from '../database/data-source';

/**
 * `node apps/issuer/dist/cli/migrate.js`: applies pending migrations to DATABASE_URL; with
 * VERIFIER_DATABASE_PASSWORD, also sets the password of the verifier's read-only role.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('missing DATABASE_URL (PostgreSQL connection string of the issuer database)');
    process.exit(1);
  }
  const applied = await runMigrations(url);
  console.log(applied.length === 0 ? 'migrations: up to date' : `migrations applied: ${applied.join(', ')}`);
  const verifierPassword = process.env.VERIFIER_DATABASE_PASSWORD;
  if (verifierPassword) {
    await setVerifierRolePassword(url, verifierPassword);
    console.log('verifier role: password set');
  }
}

main().catch((error: unknown) => {
  console.error('migration failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
