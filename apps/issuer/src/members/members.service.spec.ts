import { FORBIDDEN_ROLE } from '../auth/roles';
import type { Role } from '../auth/admin-principal';
import type { MemberStatus } from './member.entity';
import { toCachedMemberState } from '@latchkey/contracts';
import { MemberErrorCode } from './members.errors';
import {
  assertMayChangeRole,
  assertMayManageMembers,
  assertMayRemove,
  type MemberFacts,
} from './members.service';

const person = (userId: string, role: Role, status: MemberStatus = 'active'): MemberFacts => ({
  userId,
  role,
  status,
});

const olivia = person('olivia', 'owner');
const oscar = person('oscar', 'owner');
const ada = person('ada', 'admin');
const abe = person('abe', 'admin');
const mia = person('mia', 'member');

describe('member role rules', () => {
  it('lets only owners and admins manage members', () => {
    expect(() => assertMayManageMembers({ role: 'owner' })).not.toThrow();
    expect(() => assertMayManageMembers({ role: 'admin' })).not.toThrow();
    expect(() => assertMayManageMembers({ role: 'member' })).toThrow(
      expect.objectContaining({ code: FORBIDDEN_ROLE, status: 403 }),
    );
  });

  it('refuses every change to a member (403), even of another member', () => {
    expect(() => assertMayChangeRole(mia, person('max', 'member'), 'admin', 1)).toThrow(
      expect.objectContaining({ code: FORBIDDEN_ROLE }),
    );
    expect(() => assertMayRemove(mia, person('max', 'member'), 1)).toThrow(
      expect.objectContaining({ code: FORBIDDEN_ROLE }),
    );
  });

  it('lets an owner grant and revoke any role of someone else', () => {
    for (const role of ['owner', 'admin', 'member'] as const) {
      expect(() => assertMayChangeRole(olivia, ada, role, 1)).not.toThrow();
      expect(() => assertMayChangeRole(olivia, oscar, role, 2)).not.toThrow();
    }
    expect(() => assertMayRemove(olivia, oscar, 2)).not.toThrow();
    expect(() => assertMayRemove(olivia, mia, 1)).not.toThrow();
  });

  it('lets an admin set admin or member on non-owners', () => {
    expect(() => assertMayChangeRole(ada, mia, 'admin', 1)).not.toThrow();
    expect(() => assertMayChangeRole(ada, abe, 'member', 1)).not.toThrow();
    expect(() => assertMayRemove(ada, abe, 1)).not.toThrow();
  });

  it.each([
    ['promote anyone to owner', () => assertMayChangeRole(ada, mia, 'owner', 1)],
    ['demote an owner', () => assertMayChangeRole(ada, oscar, 'admin', 2)],
    ['remove an owner', () => assertMayRemove(ada, oscar, 2)],
    ['make themselves owner', () => assertMayChangeRole(ada, ada, 'owner', 1)],
  ])('refuses an admin to %s (403)', (_label, attempt) => {
    expect(attempt).toThrow(expect.objectContaining({ code: FORBIDDEN_ROLE, status: 403 }));
  });

  it('refuses anyone a change of their own role (409)', () => {
    expect(() => assertMayChangeRole(olivia, olivia, 'admin', 2)).toThrow(
      expect.objectContaining({ code: MemberErrorCode.CannotChangeOwnRole, status: 409 }),
    );
    expect(() => assertMayChangeRole(ada, ada, 'member', 1)).toThrow(
      expect.objectContaining({ code: MemberErrorCode.CannotChangeOwnRole }),
    );
  });

  it('refuses anyone their own removal (409)', () => {
    expect(() => assertMayRemove(olivia, olivia, 2)).toThrow(
      expect.objectContaining({ code: MemberErrorCode.CannotRemoveSelf, status: 409 }),
    );
    expect(() => assertMayRemove(ada, ada, 1)).toThrow(
      expect.objectContaining({ code: MemberErrorCode.CannotRemoveSelf }),
    );
  });

  it('keeps the last active owner an owner, whoever asks (409)', () => {
    for (const attempt of [
      () => assertMayChangeRole(olivia, olivia, 'admin', 1),
      () => assertMayRemove(olivia, olivia, 1),
      () => assertMayChangeRole(oscar, olivia, 'member', 1),
      () => assertMayRemove(oscar, olivia, 1),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ code: MemberErrorCode.LastOwner, status: 409 }));
    }
    expect(() => assertMayChangeRole(oscar, olivia, 'owner', 1)).not.toThrow();
  });

  it('refuses changes to a removed member (409)', () => {
    const gone = person('gus', 'admin', 'removed');
    expect(() => assertMayChangeRole(olivia, gone, 'member', 1)).toThrow(
      expect.objectContaining({ code: MemberErrorCode.AlreadyRemoved, status: 409 }),
    );
    expect(() => assertMayRemove(ada, gone, 1)).toThrow(
      expect.objectContaining({ code: MemberErrorCode.AlreadyRemoved }),
    );
  });
});

describe('the verifiers’ member state', () => {
  it('carries the role and whether the member is active', () => {
    expect(toCachedMemberState({ role: 'admin', status: 'active' })).toEqual({
      found: true,
      role: 'admin',
      active: true,
    });
    expect(toCachedMemberState({ role: 'owner', status: 'removed' })).toEqual({
      found: true,
      role: 'owner',
      active: false,
    });
  });
});
