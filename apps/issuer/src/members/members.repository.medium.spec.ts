import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction, openDatabase } from '../../test/medium-database';
import { MembersRepository } from './members.repository';

/* MembersRepository on real Postgres: the first sign-in records the role, afterwards the stored one wins. */

let dataSource: DataSource;
let members: MembersRepository;

beforeAll(async () => {
  dataSource = await openDatabase();
  members = new MembersRepository(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
});

describe('MembersRepository on Postgres', () => {
  it('records a member on first sign-in with the JWT’s role; the stored role wins afterwards', async () => {
    const tenantId = `t-${randomUUID()}`;
    expect(await members.signIn({ tenantId, userId: 'alice', email: null, role: 'admin' })).toEqual({
      role: 'admin',
      status: 'active',
    });
    await inTransaction(dataSource, (tx) => members.setRole(tx, tenantId, 'alice', 'member'));
    // The JWT still says admin: the stored role is authoritative.
    expect(await members.signIn({ tenantId, userId: 'alice', email: null, role: 'admin' })).toEqual({
      role: 'member',
      status: 'active',
    });
  });

  it('answers concurrent first sign-ins of one person with one record', async () => {
    const tenantId = `t-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        members.signIn({ tenantId, userId: 'bob', email: null, role: 'owner' }),
      ),
    );
    expect(answers.filter((a) => a?.role === 'owner')).toHaveLength(20);
    expect(await members.list(tenantId)).toHaveLength(1);
  });

  it('tells an active member from a removed one and from a stranger', async () => {
    const tenantId = `t-${randomUUID()}`;
    await members.signIn({ tenantId, userId: 'carla', email: null, role: 'member' });
    await members.signIn({ tenantId, userId: 'dan', email: null, role: 'member' });
    await inTransaction(dataSource, (tx) => members.markRemoved(tx, tenantId, 'dan'));
    expect(await members.isActive(tenantId, 'carla')).toBe(true);
    expect(await members.isActive(tenantId, 'dan')).toBe(false);
    expect(await members.isActive(tenantId, 'nobody')).toBe(false);
  });

  it('locks the people named and every active owner, in user id order', async () => {
    const tenantId = `t-${randomUUID()}`;
    for (const [userId, role] of [
      ['zoe', 'owner'],
      ['adam', 'owner'],
      ['mia', 'member'],
      ['ned', 'member'],
    ] as const) {
      await members.signIn({ tenantId, userId, email: null, role });
    }
    const locked = await inTransaction(dataSource, (tx) => members.lockForChange(tx, tenantId, ['mia']));
    expect(locked.map((m) => m.userId)).toEqual(['adam', 'mia', 'zoe']);
  });
});
