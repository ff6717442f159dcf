import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The role the verifier connects as (its DATABASE_URL user). Roles belong to the cluster, not a database. */
export const VERIFIER_ROLE = 'latchkey_verifier';

/**
 * The verifier only ever reads `tokens` and `members`: it connects as a role that can do nothing else,
 * so neither a bug nor a compromised verifier can write a token or read a signing secret. The role is
 * created without a password (the migrate command sets one from VERIFIER_DATABASE_PASSWORD); running
 * this needs a user allowed to create roles (the database owner in the shipped setups).
 */
export class VerifierReadOnlyRole1763900000900 implements MigrationInterface {
  name = 'VerifierReadOnlyRole1763900000900';

  async up(q: QueryRunner): Promise<void> {
    // Several databases of one cluster (tests, staging) may create it at the same moment.
    await q.query(`DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${VERIFIER_ROLE}') THEN
          CREATE ROLE ${VERIFIER_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query(`DO $$
      BEGIN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${VERIFIER_ROLE}', current_database());
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${VERIFIER_ROLE}`);
    await q.query(`GRANT SELECT ON TABLE tokens, members TO ${VERIFIER_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE SELECT ON TABLE tokens, members FROM ${VERIFIER_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${VERIFIER_ROLE}`);
    await q.query(`DO $$
      BEGIN
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM ${VERIFIER_ROLE}', current_database());
      END $$`);
  }
}
