import { Injectable } from '@nestjs/common';
import { EventType } from '@latchkey/contracts';
import type { AdminPrincipal, Role } from '../auth/admin-principal';
import { ForbiddenRoleError, requireRole } from '../auth/roles';
import { UnitOfWork, type UnitOfWorkTx } from '../outbox/unit-of-work';
import type { Member, MemberStatus } from './member.entity';
import { MemberRemovalEffects } from './member-removal-effects';
import { CacheReplicationError } from '../infrastructure/verifier-cache';
import { MemberStateCache } from './member-state-cache';
import { MemberError, MemberErrorCode } from './members.errors';
import { MembersRepository } from './members.repository';

/** What the Members API shows of a member. */
export interface MemberView {
  userId: string;
  email: string | null;
  role: Role;
  status: MemberStatus;
  firstSeenAt: string;
  lastSeenAt: string;
}

export function toMemberView(member: Member): MemberView {
  return {
    userId: member.userId,
    email: member.email,
    role: member.role,
    status: member.status,
    firstSeenAt: member.firstSeenAt.toISOString(),
    lastSeenAt: member.lastSeenAt.toISOString(),
  };
}

/** The facts the role rules look at. */
export type MemberFacts = Pick<Member, 'userId' | 'role' | 'status'>;

/** Only owners and admins manage members; members get 403 before anything is looked up. */
export function assertMayManageMembers(actor: Pick<AdminPrincipal, 'role'>): void {
  requireRole(actor, ['owner', 'admin'], 'manage members');
}

/**
 * Whether `actor` may give `target` the role `newRole`, `activeOwners` being the tenant's active owners
 * now (target included). Owners may change anyone else; admins only non-owners, and never to owner. The
 * last active owner keeps the role, and nobody changes their own.
 */
export function assertMayChangeRole(
  actor: MemberFacts,
  target: MemberFacts,
  newRole: Role,
  activeOwners: number,
): void {
  assertMayChange(actor, target, newRole, activeOwners);
}

/** Whether `actor` may remove `target`: the same rules as a role change, and nobody removes themselves. */
export function assertMayRemove(actor: MemberFacts, target: MemberFacts, activeOwners: number): void {
  assertMayChange(actor, target, 'removed', activeOwners);
}

function assertMayChange(
  actor: MemberFacts,
  target: MemberFacts,
  change: Role | 'removed',
  activeOwners: number,
): void {
  assertMayManageMembers(actor);
  if ((target.role === 'owner' || change === 'owner') && actor.role !== 'owner') {
    throw new ForbiddenRoleError(
      change === 'removed'
        ? 'Only owners may remove an owner.'
        : 'Only owners may grant or revoke the owner role.',
    );
  }
  if (target.status === 'removed') {
    throw new MemberError(
      MemberErrorCode.AlreadyRemoved,
      `${target.userId} was removed from this tenant and cannot be changed.`,
    );
  }
  if (target.role === 'owner' && target.status === 'active' && change !== 'owner' && activeOwners <= 1) {
    throw new MemberError(
      MemberErrorCode.LastOwner,
      `${target.userId} is the tenant's last owner. Make another member an owner first.`,
    );
  }
  if (actor.userId === target.userId) {
    throw change === 'removed'
      ? new MemberError(MemberErrorCode.CannotRemoveSelf, 'You cannot remove yourself. Ask another owner.')
      : new MemberError(
          MemberErrorCode.CannotChangeOwnRole,
          'You cannot change your own role. Ask another owner.',
        );
  }
}

/**
 * A tenant's members: listed for owners and admins, who change roles and remove people. Every change
 * reaches the verifiers' cache before commit (tokens act with their owner's current role at once) and
 * is announced on the members topic.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly members: MembersRepository,
    private readonly stateCache: MemberStateCache,
    private readonly removalEffects: MemberRemovalEffects,
  ) {}

  async list(principal: AdminPrincipal): Promise<{ items: MemberView[] }> {
    assertMayManageMembers(principal);
    return { items: (await this.members.list(principal.tenantId)).map(toMemberView) };
  }

  changeRole(principal: AdminPrincipal, userId: string, role: Role): Promise<MemberView> {
    return this.change(principal, userId, role);
  }

  async remove(principal: AdminPrincipal, userId: string): Promise<void> {
    await this.change(principal, userId, 'removed');
  }

  private async change(
    principal: AdminPrincipal,
    userId: string,
    change: Role | 'removed',
  ): Promise<MemberView> {
    assertMayManageMembers(principal);
    const now = new Date();
    // On the priority pool: a removal or demotion makes verdicts stricter, like a revocation.
    const member = await this.unitOfWork.run(
      async (tx) => {
        const locked = await this.members.lockForChange(tx, principal.tenantId, [principal.userId, userId]);
        const target = locked.find((m) => m.userId === userId);
        if (!target) {
          throw new MemberError(MemberErrorCode.NotFound, `No member ${userId} in your tenant.`);
        }
        // The actor's role as committed now, not as it was when the request was authenticated.
        const actor = locked.find((m) => m.userId === principal.userId && m.status === 'active');
        if (!actor) {
          throw new MemberError(MemberErrorCode.Removed, 'You were removed from this tenant.');
        }
        const activeOwners = locked.filter((m) => m.role === 'owner' && m.status === 'active').length;
        assertMayChange(actor, target, change, activeOwners);
        if (change === target.role) return target;

        const tenantId = target.tenantId;
        if (change === 'removed') {
          target.status = 'removed';
          await this.members.markRemoved(tx, tenantId, userId);
          await this.removalEffects.apply(tx, { tenantId, userId, now });
          tx.emit(EventType.MemberRemoved, {
            subject: userId,
            tenantId,
            time: now,
            data: { userId, removedBy: principal.userId },
          });
        } else {
          const oldRole = target.role;
          target.role = change;
          await this.members.setRole(tx, tenantId, userId, change);
          tx.emit(EventType.MemberRoleChanged, {
            subject: userId,
            tenantId,
            time: now,
            data: { userId, oldRole, newRole: change, changedBy: principal.userId },
          });
        }
        tx.beforeCommit(() => this.propagate(tx, target));
        return target;
      },
      { priority: true },
    );
    return toMemberView(member);
  }

  /** Writes the member's new state to the verifiers' caches; if a replica cannot confirm it, nothing changes. */
  private async propagate(tx: UnitOfWorkTx, member: Member): Promise<void> {
    try {
      await this.stateCache.publish(tx, member);
    } catch (error) {
      if (error instanceof CacheReplicationError) {
        throw new MemberError(
          MemberErrorCode.ChangeNotReplicated,
          'No Redis replica confirmed the change in time, so nothing was changed. Try again.',
        );
      }
      throw error;
    }
  }
}
