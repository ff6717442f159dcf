import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import type { PrincipalDirectory } from '../auth/principal-directory';
import { MemberError, MemberErrorCode } from './members.errors';
import { MembersRepository, type StoredMembership } from './members.repository';

/** The members the admin API knows, as the guard needs them: who is signing in, and as what. */
@Injectable()
export class MemberDirectory implements PrincipalDirectory {
  constructor(private readonly members: MembersRepository) {}

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
    // A concurrent first sign-in may commit between the insert's conflict check and the statement's
    // snapshot; the row is then visible to the next statement.
    for (let attempt = 0; attempt < 2; attempt++) {
      const row = await this.members.signIn(claimed);
      if (row) return row;
    }
    throw new Error(`member ${claimed.tenantId}/${claimed.userId} could be neither recorded nor read`);
  }
}
