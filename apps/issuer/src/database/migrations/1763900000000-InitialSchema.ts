import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "tokens" (
        "id" uuid NOT NULL,
        "tenant_id" text NOT NULL,
        "name" varchar(128) NOT NULL,
        "key_prefix" varchar(8) NOT NULL,
        "token_hash" char(64) NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "expires_at" timestamptz,
        "status" varchar(16) NOT NULL,
        "revoked_at" timestamptz,
        "revoked_by" text,
        "last_used_at" timestamptz,
        "usage_count" bigint NOT NULL DEFAULT 0,
        CONSTRAINT "tokens_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "tokens_status_check" CHECK ("status" IN ('active', 'revoked')),
        CONSTRAINT "tokens_revocation_check" CHECK (("status" = 'revoked') = ("revoked_at" IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX "tokens_token_hash_key" ON "tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "tokens_tenant_created_idx" ON "tokens" ("tenant_id", "created_at")`);
    await q.query(`
      CREATE TABLE "outbox_messages" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "event_id" uuid NOT NULL,
        "topic" text NOT NULL,
        "payload" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "published_at" timestamptz,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "outbox_messages_event_id_key" ON "outbox_messages" ("event_id")`);
    await q.query(
      `CREATE INDEX "outbox_messages_unpublished_idx" ON "outbox_messages" ("id") WHERE published_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE "processed_events" (
        "consumer" text NOT NULL,
        "event_id" uuid NOT NULL,
        "processed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer", "event_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "processed_events"`);
    await q.query(`DROP TABLE "outbox_messages"`);
    await q.query(`DROP TABLE "tokens"`);
  }
}
