import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rights presets and the applications catalog (seed 003; seed 002's "Grant the least"): a token records
 * the preset it was created with (null for custom scopes, and for every token created before), a tenant
 * chooses the preset a request without rights or scopes gets (`read` unless it chooses otherwise), and
 * keeps a catalog of its applications/projects that tokens' resources are chosen from.
 */
export class RightsAndApplications1763900001300 implements MigrationInterface {
  name = 'RightsAndApplications1763900001300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "tokens"
        ADD COLUMN "rights" varchar(16),
        ADD CONSTRAINT "tokens_rights_check" CHECK ("rights" IN ('read', 'read_write'))`);
    await q.query(`
      ALTER TABLE "tenants"
        ADD COLUMN "default_rights" varchar(16) NOT NULL DEFAULT 'read',
        ADD CONSTRAINT "tenants_default_rights_check" CHECK ("default_rights" IN ('read', 'read_write'))`);
    await q.query(`
      CREATE TABLE "tenant_applications" (
        "tenant_id" text NOT NULL,
        "id" varchar(128) NOT NULL,
        "name" varchar(128) NOT NULL,
        "position" integer NOT NULL,
        CONSTRAINT "tenant_applications_pkey" PRIMARY KEY ("tenant_id", "id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tenant_applications"`);
    await q.query(`ALTER TABLE "tenants" DROP COLUMN "default_rights"`);
    await q.query(`ALTER TABLE "tokens" DROP COLUMN "rights"`);
  }
}
