import type { MigrationInterface, QueryRunner } from 'typeorm';

const GRANULARITIES = ['minute', 'hour', 'day'] as const;

/**
 * Verification analytics (issue 14): every verdict on a known token, counted per bucket (UTC minute,
 * hour, day), reason and caller (`''` when the caller gave no name). Each TokenVerificationsCounted
 * summary is added to all three tables in the transaction that records its id, so each table is exact
 * on its own; the retention job prunes each table to its own horizon.
 */
export class VerificationAnalytics1763900002300 implements MigrationInterface {
  name = 'VerificationAnalytics1763900002300';

  async up(q: QueryRunner): Promise<void> {
    for (const granularity of GRANULARITIES) {
      const table = `token_verifications_${granularity}`;
      await q.query(`CREATE TABLE "${table}" (
        "token_id" uuid NOT NULL,
        "tenant_id" text NOT NULL,
        "bucket" timestamptz NOT NULL,
        "reason" varchar(64) NOT NULL,
        "caller" varchar(64) NOT NULL DEFAULT '',
        "count" bigint NOT NULL CHECK ("count" > 0),
        CONSTRAINT "${table}_pkey" PRIMARY KEY ("token_id", "bucket", "reason", "caller")
      )`);
      await q.query(`CREATE INDEX "${table}_tenant_bucket_idx" ON "${table}" ("tenant_id", "bucket")`);
      await q.query(`CREATE INDEX "${table}_bucket_idx" ON "${table}" ("bucket")`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const granularity of GRANULARITIES) {
      await q.query(`DROP TABLE "token_verifications_${granularity}"`);
    }
  }
}
