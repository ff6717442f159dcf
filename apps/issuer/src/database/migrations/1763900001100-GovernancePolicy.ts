import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's governance policy (owners choose): who may issue tokens, who sees whose, what admins may
 * revoke. The defaults are what every tenant had before, so existing tenants keep their behaviour.
 */
export class GovernancePolicy1763900001100 implements MigrationInterface {
  name = 'GovernancePolicy1763900001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "tenants"
        ADD COLUMN "token_issuance" varchar(32) NOT NULL DEFAULT 'all_members',
        ADD COLUMN "token_visibility" varchar(32) NOT NULL DEFAULT 'admins_see_all',
        ADD COLUMN "admin_revocation" varchar(32) NOT NULL DEFAULT 'any_token',
        ADD CONSTRAINT "tenants_token_issuance_check"
          CHECK ("token_issuance" IN ('all_members', 'admins_only')),
        ADD CONSTRAINT "tenants_token_visibility_check"
          CHECK ("token_visibility" IN ('admins_see_all', 'own_tokens_only')),
        ADD CONSTRAINT "tenants_admin_revocation_check"
          CHECK ("admin_revocation" IN ('any_token', 'agent_tokens_only'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "tenants"
        DROP COLUMN "admin_revocation",
        DROP COLUMN "token_visibility",
        DROP COLUMN "token_issuance"`);
  }
}
