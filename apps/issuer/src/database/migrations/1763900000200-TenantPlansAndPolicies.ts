import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants: the plan the operator sets and the token policy owners set. */
export class TenantPlansAndPolicies1763900000200 implements MigrationInterface {
  name = 'TenantPlansAndPolicies1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "tenants" (
        "id" text NOT NULL,
        "plan" varchar(32) NOT NULL,
        "require_expiry" boolean NOT NULL DEFAULT false,
        "max_lifetime_days" integer,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "tenants_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "tenants_plan_check" CHECK ("plan" IN ('free', 'team', 'enterprise')),
        CONSTRAINT "tenants_max_lifetime_days_check" CHECK ("max_lifetime_days" BETWEEN 1 AND 3650)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tenants"`);
  }
}
