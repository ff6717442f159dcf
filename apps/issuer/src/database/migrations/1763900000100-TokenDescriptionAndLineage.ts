import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A free-text description (seed 003), and which token a rotated or renewed token replaces. */
export class TokenDescriptionAndLineage1763900000100 implements MigrationInterface {
  name = 'TokenDescriptionAndLineage1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" ADD "description" varchar(1024)`);
    await q.query(`ALTER TABLE "tokens" ADD "replaces_token_id" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "replaces_token_id"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "description"`);
  }
}
