import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A token's technical owner (seed 004: "Tell the technical owner before rotating"): an optional address,
 * with an optional name beside it, told by mail when the token is rotated or revoked. Existing tokens
 * have none.
 */
export class TechnicalOwner1763900001400 implements MigrationInterface {
  name = 'TechnicalOwner1763900001400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" ADD "technical_owner_email" character varying(254)`);
    await q.query(`ALTER TABLE "tokens" ADD "technical_owner_name" character varying(128)`);
    await q.query(
      `ALTER TABLE "tokens" ADD CONSTRAINT "tokens_technical_owner_check" CHECK ("technical_owner_name" IS NULL OR "technical_owner_email" IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" DROP CONSTRAINT "tokens_technical_owner_check"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "technical_owner_name"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "technical_owner_email"`);
  }
}
