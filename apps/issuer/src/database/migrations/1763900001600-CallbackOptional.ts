import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auto-renewal without a callback (seed 003 makes the callback optional): a token may auto-renew with a
 * mail recipient alone. Settings are on exactly when `renewal_every_days` is set, and then need a
 * callback URL or a mail recipient; off, both are null.
 */
export class CallbackOptional1763900001600 implements MigrationInterface {
  name = 'CallbackOptional1763900001600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens" DROP CONSTRAINT "tokens_renewal_check"`);
    // The old check allowed a stray recipient on a token without auto-renewal; it meant nothing.
    await q.query(`UPDATE "tokens" SET "renewal_mail_recipient" = NULL WHERE "renewal_every_days" IS NULL`);
    await q.query(`ALTER TABLE "tokens" ADD CONSTRAINT "tokens_renewal_check" CHECK (
      CASE WHEN "renewal_every_days" IS NULL
        THEN "renewal_callback_url" IS NULL AND "renewal_mail_recipient" IS NULL
        ELSE "renewal_callback_url" IS NOT NULL OR "renewal_mail_recipient" IS NOT NULL
      END)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Callback-less settings cannot be expressed before this migration: they are switched off.
    await q.query(`UPDATE "tokens" SET "renewal_every_days" = NULL, "renewal_mail_recipient" = NULL,
      "renewal_next_at" = NULL WHERE "renewal_every_days" IS NOT NULL AND "renewal_callback_url" IS NULL`);
    await q.query(`ALTER TABLE "tokens" DROP CONSTRAINT "tokens_renewal_check"`);
    await q.query(`ALTER TABLE "tokens" ADD CONSTRAINT "tokens_renewal_check"
      CHECK (("renewal_every_days" IS NULL) = ("renewal_callback_url" IS NULL))`);
  }
}
