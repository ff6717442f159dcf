import type { AdminPrincipal } from '../auth/admin-principal';
import { MemberDirectory } from './member-directory';
import { MemberErrorCode } from './members.errors';
import type { MembersRepository, StoredMembership } from './members.repository';

const claimed: AdminPrincipal = {
  userId: 'ada',
  tenantId: 'acme',
  role: 'admin',
  email: 'ada@acme.test',
  emailVerified: true,
};

/** A repository whose sign-in upsert answers with the given rows in turn. */
function directoryAnswering(...answers: Array<StoredMembership | undefined>) {
  const signIn = jest.fn((_member: Parameters<MembersRepository['signIn']>[0]) =>
    Promise.resolve(answers.shift()),
  );
  return { directory: new MemberDirectory({ signIn } as unknown as MembersRepository), signIn };
}

describe('MemberDirectory.signIn', () => {
  it('records the member with the JWT’s claims', async () => {
    const { directory, signIn } = directoryAnswering({ role: 'admin', status: 'active' });
    await expect(directory.signIn(claimed)).resolves.toEqual(claimed);
    expect(signIn).toHaveBeenCalledTimes(1);
    expect(signIn).toHaveBeenCalledWith(claimed);
  });

  it('uses the stored role, not the JWT’s', async () => {
    const { directory } = directoryAnswering({ role: 'member', status: 'active' });
    await expect(directory.signIn(claimed)).resolves.toEqual({ ...claimed, role: 'member' });
  });

  it('refuses a removed member (403 MEMBER_REMOVED)', async () => {
    const { directory } = directoryAnswering({ role: 'admin', status: 'removed' });
    await expect(directory.signIn(claimed)).rejects.toMatchObject({
      code: MemberErrorCode.Removed,
      status: 403,
    });
  });

  it('reads again when a concurrent first sign-in hid the row', async () => {
    const { directory, signIn } = directoryAnswering(undefined, { role: 'owner', status: 'active' });
    await expect(directory.signIn(claimed)).resolves.toMatchObject({ role: 'owner' });
    expect(signIn).toHaveBeenCalledTimes(2);
  });

  it('fails loudly when the row can be neither written nor read', async () => {
    const { directory } = directoryAnswering(undefined, undefined);
    await expect(directory.signIn(claimed)).rejects.toThrow(/neither recorded nor read/);
  });
});
