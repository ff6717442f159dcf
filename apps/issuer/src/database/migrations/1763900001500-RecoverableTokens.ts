import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recoverable tokens, opt-in per tenant (seed 003: "In the detail view below the token, click on
 * Copy"): the owners' switch, off for every tenant, and a table of encrypted plaintexts apart from
 * `tokens`, which the verifier's role is never granted. A copy goes with its token.
 */
export class RecoverableTokens1763900001500 implements MigrationInterface {
  name = 'RecoverableTokens1763900001500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenants" ADD "recoverable_tokens" boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE TABLE "recoverable_tokens" (
      "token_id" uuid NOT NULL,
      "tenant_id" text NOT NULL,
      "ciphertext" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "recoverable_tokens_pkey" PRIMARY KEY ("token_id"),
      CONSTRAINT "recoverable_tokens_token_fkey" FOREIGN KEY ("token_id") REFERENCES "tokens" ("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "recoverable_tokens_tenant_idx" ON "recoverable_tokens" ("tenant_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "recoverable_tokens"`);
    await q.query(`ALTER TABLE "tenants" DROP COLUMN "recoverable_tokens"`);
  }
}
