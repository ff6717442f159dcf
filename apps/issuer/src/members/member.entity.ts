import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../auth/admin-principal';

export type MemberStatus = 'active' | 'removed';

/**
 * A person of a tenant, recorded the first time they sign in (from the identity provider's JWT). From
 * then on this record, not the JWT, decides their role and whether they may act at all. The issuer owns
 * this table.
 */
@Entity({ name: 'members' })
@Check('members_role_check', `"role" IN ('owner', 'admin', 'member')`)
@Check('members_status_check', `"status" IN ('active', 'removed')`)
export class Member {
  /** The identity provider's tenant id (the admin JWT's `tid`). */
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  /** The identity provider's user id (the admin JWT's `sub`). */
  @PrimaryColumn('text', { name: 'user_id' })
  userId!: string;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('varchar', { length: 16 })
  role!: Role;

  @Column('varchar', { length: 16 })
  status!: MemberStatus;

  @Column('timestamptz', { name: 'first_seen_at', default: () => 'now()' })
  firstSeenAt!: Date;

  /** Refreshed at most once a minute, to keep the sign-in path cheap. */
  @Column('timestamptz', { name: 'last_seen_at', default: () => 'now()' })
  lastSeenAt!: Date;
}
