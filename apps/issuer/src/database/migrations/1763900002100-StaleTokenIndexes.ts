import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stale-token list (`unusedForDays`, `sort=lastUsedAt`) and the offboarding filter (`createdBy`,
 * bulk revoke by creator) read a tenant's tokens by last use and by creator.
 */
export class StaleTokenIndexes1763900002100 implements MigrationInterface {
  name = 'StaleTokenIndexes1763900002100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "tokens_tenant_last_used_idx" ON "tokens" ("tenant_id", "last_used_at" NULLS FIRST)`,
    );
    await q.query(`CREATE INDEX "tokens_tenant_creator_idx" ON "tokens" ("tenant_id", "created_by")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "tokens_tenant_creator_idx"`);
    await q.query(`DROP INDEX "tokens_tenant_last_used_idx"`);
  }
}
