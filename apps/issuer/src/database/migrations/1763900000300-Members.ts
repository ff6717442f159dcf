import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Members: people of a tenant, recorded at first sign-in; their stored role and status are authoritative. */
export class Members1763900000300 implements MigrationInterface {
  name = 'Members1763900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "members" (
        "tenant_id" text NOT NULL,
        "user_id" text NOT NULL,
        "email" text,
        "role" varchar(16) NOT NULL,
        "status" varchar(16) NOT NULL,
        "first_seen_at" timestamptz NOT NULL DEFAULT now(),
        "last_seen_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "members_pkey" PRIMARY KEY ("tenant_id", "user_id"),
        CONSTRAINT "members_role_check" CHECK ("role" IN ('owner', 'admin', 'member')),
        CONSTRAINT "members_status_check" CHECK ("status" IN ('active', 'removed'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "members"`);
  }
}
