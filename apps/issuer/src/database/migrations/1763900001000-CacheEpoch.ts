import type { MigrationInterface, QueryRunner } from 'typeorm';
import { VERIFIER_ROLE } from './1763900000900-VerifierReadOnlyRole';

/**
 * The cache epoch: one row, part of every verifier cache key. A revocation that cannot reach Redis bumps
 * it in its own transaction, so every entry written before it is never read again, even if Redis comes
 * back holding it. `bumped_at` lets writers also cover the previous epoch while verifiers switch over.
 * Verifiers read it at every lease renewal (read-only role).
 */
export class CacheEpoch1763900001000 implements MigrationInterface {
  name = 'CacheEpoch1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "cache_epoch" (
        "id" smallint PRIMARY KEY CHECK ("id" = 1),
        "epoch" bigint NOT NULL,
        "bumped_at" timestamptz NOT NULL DEFAULT now()
      )`,
    );
    await q.query(`INSERT INTO "cache_epoch" ("id", "epoch", "bumped_at") VALUES (1, 1, '-infinity')`);
    await q.query(`GRANT SELECT ON TABLE cache_epoch TO ${VERIFIER_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cache_epoch"`);
  }
}
