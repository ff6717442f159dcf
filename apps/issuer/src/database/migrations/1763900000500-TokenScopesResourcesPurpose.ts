import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a token may do (scopes), on what (resources; empty = anything), and what it is for (purpose). */
export class TokenScopesResourcesPurpose1763900000500 implements MigrationInterface {
  name = 'TokenScopesResourcesPurpose1763900000500';

  async up(q: QueryRunner): Promise<void> {
    // Existing tokens inherit their owner's permissions, as every token did before scopes existed.
    await q.query(`ALTER TABLE "tokens" ADD "scopes" text array NOT NULL DEFAULT '{*}'`);
    await q.query(`ALTER TABLE "tokens" ADD "resources" text array NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "tokens" ADD "purpose" varchar(16) NOT NULL DEFAULT 'integration'`);
    await q.query(
      `ALTER TABLE "tokens" ADD CONSTRAINT "tokens_purpose_check" CHECK ("purpose" IN ('integration', 'agent'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" DROP CONSTRAINT "tokens_purpose_check"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "purpose"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "resources"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "scopes"`);
  }
}
