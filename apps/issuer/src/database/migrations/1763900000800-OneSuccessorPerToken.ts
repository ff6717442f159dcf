import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A token has at most one successor (rotation, renewal or auto-renewal): the issuer refuses to replace a
 * token twice, and this index makes a second successor impossible even for a code path that forgot to
 * ask. Should a database already hold two successors of one token, the migration stops and names them,
 * so an operator revokes the surplus one before migrating again.
 */
export class OneSuccessorPerToken1763900000800 implements MigrationInterface {
  name = 'OneSuccessorPerToken1763900000800';

  async up(q: QueryRunner): Promise<void> {
    const duplicates = (await q.query(
      `SELECT replaces_token_id, array_agg(id::text ORDER BY created_at) AS successors
         FROM tokens WHERE replaces_token_id IS NOT NULL
        GROUP BY replaces_token_id HAVING count(*) > 1`,
    )) as { replaces_token_id: string; successors: string[] }[];
    if (duplicates.length > 0) {
      const list = duplicates.map((d) => `${d.replaces_token_id} → ${d.successors.join(', ')}`).join('; ');
      throw new Error(
        `These tokens have more than one successor: ${list}. Revoke all but one successor of each, ` +
          `clear "replaces_token_id" on the revoked ones, then migrate again.`,
      );
    }
    await q.query(
      `CREATE UNIQUE INDEX "tokens_one_successor_key" ON "tokens" ("replaces_token_id")
        WHERE "replaces_token_id" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "tokens_one_successor_key"`);
  }
}
