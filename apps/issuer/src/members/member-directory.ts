import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AdminPrincipal } from '../auth/admin-principal';
import type { Member } from './member.entity';
import { MemberError, MemberErrorCode } from './members.errors';

type StoredMembership = Pick<Member, 'role' | 'status'>;

/**
 * Records a member the first time they sign in and returns their stored role and status, in one
 * statement. The role comes from the JWT only on that first sign-in; afterwards the stored role wins and
 * is never touched here. Email and last-seen are refreshed at most once a minute, so most requests
 * write nothing; when the update is skipped, the second branch reads the row as it stands.
 */
const SIGN_IN = `
  WITH signed_in AS (
    INSERT INTO "members" AS m ("tenant_id", "user_id", "email", "role", "status")
    VALUES ($1, $2, $3, $4, 'active')
    ON CONFLICT ("tenant_id", "user_id") DO UPDATE
      SET "email" = COALESCE(EXCLUDED."email", m."email"), "last_seen_at" = now()
      WHERE m."last_seen_at" < now() - interval '1 minute'
    RETURNING m."role", m."status"
  )
  SELECT "role", "status" FROM signed_in
  UNION ALL
  SELECT "role", "status" FROM "members"
  WHERE "tenant_id" = $1 AND "user_id" = $2 AND NOT EXISTS (SELECT 1 FROM signed_in)`;

/** The members the admin API knows, as the guard needs them: who is signing in, and as what. */
@Injectable()
export class MemberDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The principal as Latchkey's member record has it: the stored role replaces the JWT's. Throws
   * MEMBER_REMOVED (403) for someone removed from the tenant, whatever their JWT says.
   */
  async signIn(claimed: AdminPrincipal): Promise<AdminPrincipal> {
    const member = await this.upsert(claimed);
    if (member.status === 'removed') {
      throw new MemberError(
        MemberErrorCode.Removed,
        'You were removed from this tenant. Ask one of its owners or admins if this is a mistake.',
      );
    }
    return { ...claimed, role: member.role };
  }

  private async upsert(claimed: AdminPrincipal): Promise<StoredMembership> {
    const params = [claimed.tenantId, claimed.userId, claimed.email, claimed.role];
    // A concurrent first sign-in may commit between the insert's conflict check and the statement's
    // snapshot; the row is then visible to the next statement.
    for (let attempt = 0; attempt < 2; attempt++) {
      const [row] = await this.dataSource.query<StoredMembership[]>(SIGN_IN, params);
      if (row) return row;
    }
    throw new Error(`member ${claimed.tenantId}/${claimed.userId} could be neither recorded nor read`);
  }
}
