import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who issued each token (`issued_by`, with their email then), beside the owner it acts for
 * (`created_by`): a rotated, renewed or auto-renewed token names who did it. Until now every token was
 * recorded as issued by its owner, so existing rows get exactly that.
 */
export class IssuedBy1763900001200 implements MigrationInterface {
  name = 'IssuedBy1763900001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" ADD "issued_by" text`);
    await q.query(`ALTER TABLE "tokens" ADD "issued_by_email" text`);
    await q.query(`UPDATE "tokens" SET "issued_by" = "created_by", "issued_by_email" = "created_by_email"`);
    await q.query(`ALTER TABLE "tokens" ALTER COLUMN "issued_by" SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "issued_by_email"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "issued_by"`);
  }
}
