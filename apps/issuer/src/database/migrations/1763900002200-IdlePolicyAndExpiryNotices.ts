import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: the tenant's idle policy (revoke tokens unused for `idle_revoke_after_days`, warning
 * `idle_warning_days` before; off for every tenant) and its own expiry reminder days (null: the service's
 * default days; a JSON array of whole numbers, latest first); on each token, when its owners were last
 * warned that it is idle; and one row per expiry notice given (token, expiry, reminder day), so that
 * each is announced exactly once.
 */
export class IdlePolicyAndExpiryNotices1763900002200 implements MigrationInterface {
  name = 'IdlePolicyAndExpiryNotices1763900002200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "tenants"
        ADD COLUMN "idle_revoke_after_days" integer,
        ADD COLUMN "idle_warning_days" integer NOT NULL DEFAULT 7,
        ADD COLUMN "expiry_reminder_days" jsonb,
        ADD CONSTRAINT "tenants_idle_revoke_after_days_check"
          CHECK ("idle_revoke_after_days" BETWEEN 2 AND 3650),
        ADD CONSTRAINT "tenants_idle_warning_days_check" CHECK ("idle_warning_days" BETWEEN 1 AND 365)`);
    await q.query(`ALTER TABLE "tokens" ADD COLUMN "idle_warned_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE TABLE "token_expiry_notices" (
      "token_id" uuid NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "days_before" integer NOT NULL,
      "tenant_id" text NOT NULL,
      "noticed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "token_expiry_notices_pkey" PRIMARY KEY ("token_id", "expires_at", "days_before"),
      CONSTRAINT "token_expiry_notices_token_fkey" FOREIGN KEY ("token_id") REFERENCES "tokens" ("id") ON DELETE CASCADE)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "token_expiry_notices"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "idle_warned_at"`);
    await q.query(`
      ALTER TABLE "tenants"
        DROP COLUMN "expiry_reminder_days",
        DROP COLUMN "idle_warning_days",
        DROP COLUMN "idle_revoke_after_days"`);
  }
}
