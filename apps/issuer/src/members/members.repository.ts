import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, type DataSource } from 'typeorm';
import type { Role } from '../auth/admin-principal';
import { managerOf, type Tx } from '../database/transaction';
import { Member } from './member.entity';

export type StoredMembership = Pick<Member, 'role' | 'status'>;

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

/** The `members` table: the only code that reads or writes it in the issuer. */
@Injectable()
export class MembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a sign-in (see SIGN_IN); undefined only if the row could be neither written nor read. */
  async signIn(member: {
    tenantId: string;
    userId: string;
    email: string | null;
    role: Role;
  }): Promise<StoredMembership | undefined> {
    const [row] = await this.dataSource.query<StoredMembership[]>(SIGN_IN, [
      member.tenantId,
      member.userId,
      member.email,
      member.role,
    ]);
    return row;
  }

  list(tenantId: string): Promise<Member[]> {
    return this.dataSource.getRepository(Member).find({
      where: { tenantId },
      order: { firstSeenAt: 'ASC', userId: 'ASC' },
    });
  }

  /** Whether the user is an active member of the tenant (read through `tx` when given). */
  async isActive(tenantId: string, userId: string, tx?: Tx): Promise<boolean> {
    const member = await managerOf(tx, this.dataSource).findOneBy(Member, { tenantId, userId });
    return member?.status === 'active';
  }

  /**
   * Locks the given users and every active owner of the tenant, in user id order (so concurrent changes
   * cannot deadlock): the owner count and their roles then hold until commit.
   */
  lockForChange(tx: Tx, tenantId: string, userIds: string[]): Promise<Member[]> {
    return managerOf(tx, this.dataSource)
      .createQueryBuilder(Member, 'member')
      .where('member.tenantId = :tenantId', { tenantId })
      .andWhere(
        new Brackets((q) =>
          q
            .where('member.userId IN (:...userIds)', { userIds })
            .orWhere(`member.role = 'owner' AND member.status = 'active'`),
        ),
      )
      .orderBy('member.userId', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  async markRemoved(tx: Tx, tenantId: string, userId: string): Promise<void> {
    await managerOf(tx, this.dataSource).update(Member, { tenantId, userId }, { status: 'removed' });
  }

  async setRole(tx: Tx, tenantId: string, userId: string, role: Role): Promise<void> {
    await managerOf(tx, this.dataSource).update(Member, { tenantId, userId }, { role });
  }
}
