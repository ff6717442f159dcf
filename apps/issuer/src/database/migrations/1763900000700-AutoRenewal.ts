import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auto-renewal (seed 003): renewal settings on tokens, the tenants' callback signing secrets (encrypted at
 * rest), renewal offers with their redeem windows, and every callback delivery attempt with the hash of
 * the redeem key it carried.
 */
export class AutoRenewal1763900000700 implements MigrationInterface {
  name = 'AutoRenewal1763900000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tokens"
      ADD "renewal_every_days" integer,
      ADD "renewal_callback_url" text,
      ADD "renewal_mail_recipient" text,
      ADD "renewal_next_at" timestamptz,
      ADD "replaced_by_token_id" uuid`);
    await q.query(`ALTER TABLE "tokens" ADD CONSTRAINT "tokens_renewal_check"
      CHECK (("renewal_every_days" IS NULL) = ("renewal_callback_url" IS NULL))`);
    await q.query(`CREATE TABLE "signing_secrets" (
      "id" uuid NOT NULL,
      "tenant_id" text NOT NULL,
      "secret_prefix" varchar(16) NOT NULL,
      "ciphertext" text NOT NULL,
      "created_by" text NOT NULL,
      "created_at" timestamptz NOT NULL,
      "retires_at" timestamptz,
      CONSTRAINT "signing_secrets_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "signing_secrets_tenant_idx" ON "signing_secrets" ("tenant_id", "created_at")`,
    );
    await q.query(`CREATE TABLE "renewal_offers" (
      "id" uuid NOT NULL,
      "token_id" uuid NOT NULL,
      "tenant_id" text NOT NULL,
      "due_at" timestamptz NOT NULL,
      "status" varchar(16) NOT NULL,
      "created_at" timestamptz NOT NULL,
      "window_ends_at" timestamptz NOT NULL,
      "next_renewal_at" timestamptz NOT NULL,
      "delivered_at" timestamptz,
      "redeemed_at" timestamptz,
      "closed_at" timestamptz,
      "new_token_id" uuid,
      CONSTRAINT "renewal_offers_pkey" PRIMARY KEY ("id"),
      CONSTRAINT "renewal_offers_status_check" CHECK ("status" IN ('pending', 'redeemed', 'expired', 'cancelled')),
      CONSTRAINT "renewal_offers_token_fkey" FOREIGN KEY ("token_id") REFERENCES "tokens"("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "renewal_offers_token_due_key" ON "renewal_offers" ("token_id", "due_at")`,
    );
    await q.query(`CREATE TABLE "renewal_attempts" (
      "id" uuid NOT NULL,
      "offer_id" uuid NOT NULL,
      "number" integer NOT NULL,
      "key_hash" char(64) NOT NULL,
      "started_at" timestamptz NOT NULL,
      "finished_at" timestamptz,
      "outcome" varchar(16),
      "status_code" integer,
      "duration_ms" integer,
      "error" text,
      CONSTRAINT "renewal_attempts_pkey" PRIMARY KEY ("id"),
      CONSTRAINT "renewal_attempts_outcome_check" CHECK ("outcome" IN ('delivered', 'failed', 'blocked')),
      CONSTRAINT "renewal_attempts_offer_fkey" FOREIGN KEY ("offer_id") REFERENCES "renewal_offers"("id"))`);
    await q.query(`CREATE UNIQUE INDEX "renewal_attempts_key_hash_key" ON "renewal_attempts" ("key_hash")`);
    await q.query(
      `CREATE UNIQUE INDEX "renewal_attempts_offer_number_key" ON "renewal_attempts" ("offer_id", "number")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "renewal_attempts"`);
    await q.query(`DROP TABLE "renewal_offers"`);
    await q.query(`DROP TABLE "signing_secrets"`);
    await q.query(`ALTER TABLE "tokens" DROP CONSTRAINT "tokens_renewal_check"`);
    await q.query(`ALTER TABLE "tokens"
      DROP COLUMN "renewal_every_days",
      DROP COLUMN "renewal_callback_url",
      DROP COLUMN "renewal_mail_recipient",
      DROP COLUMN "renewal_next_at",
      DROP COLUMN "replaced_by_token_id"`);
  }
}
