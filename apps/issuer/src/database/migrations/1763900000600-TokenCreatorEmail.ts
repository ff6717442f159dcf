import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The creator's email as it was at creation, so lists show who issued a token (seed 000). */
export class TokenCreatorEmail1763900000600 implements MigrationInterface {
  name = 'TokenCreatorEmail1763900000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" ADD "created_by_email" text`);
    await q.query(`CREATE INDEX "tokens_tenant_status_idx" ON "tokens" ("tenant_id", "status")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "tokens_tenant_status_idx"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "created_by_email"`);
  }
}
