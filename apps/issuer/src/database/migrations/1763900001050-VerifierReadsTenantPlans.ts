import type { MigrationInterface, QueryRunner } from 'typeorm';
import { VERIFIER_ROLE } from './1763900000900-VerifierReadOnlyRole';

/** Verifiers refuse the tokens of a tenant whose plan has no API access: they read `tenants.plan`. */
export class VerifierReadsTenantPlans1763900001050 implements MigrationInterface {
  name = 'VerifierReadsTenantPlans1763900001050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT SELECT (id, plan) ON TABLE tenants TO ${VERIFIER_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE SELECT (id, plan) ON TABLE tenants FROM ${VERIFIER_ROLE}`);
  }
}
