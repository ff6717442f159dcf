import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (seed 002): one row per event, keyed by the event id. Append-only in the database too:
 * triggers refuse UPDATE, DELETE and TRUNCATE, whoever connects (TypeORM's schema check ignores
 * triggers, so they live only here).
 */
export class AuditEvents1763900000400 implements MigrationInterface {
  name = 'AuditEvents1763900000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_events" (
        "id" uuid NOT NULL,
        "tenant_id" text NOT NULL,
        "type" text NOT NULL,
        "actor_id" text,
        "token_id" uuid,
        "subject_id" text NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        "details" jsonb NOT NULL,
        CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "audit_events_tenant_occurred_idx" ON "audit_events" ("tenant_id", "occurred_at" DESC)`,
    );
    await q.query(`CREATE INDEX "audit_events_tenant_token_idx" ON "audit_events" ("tenant_id", "token_id")`);
    await q.query(`
      CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "audit_events_no_update_or_delete"
        BEFORE UPDATE OR DELETE ON "audit_events"
        FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"()`);
    await q.query(`
      CREATE TRIGGER "audit_events_no_truncate"
        BEFORE TRUNCATE ON "audit_events"
        FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP FUNCTION "audit_events_append_only"()`);
  }
}
