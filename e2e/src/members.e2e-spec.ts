import request from 'supertest';
import type { Verdict } from '@latchkey/client';
import { DEFAULT_SCOPE_CATALOG, EventType, Topic } from '@latchkey/contracts';
import { EventTap } from './support/event-tap';
import { startSystem, type RunningSystem } from './support/system';

type Role = 'owner' | 'admin' | 'member';

/** What a member's token may do: read everything (a token acts as its owner stands now). */
const MEMBER_PERMISSIONS = DEFAULT_SCOPE_CATALOG.filter((scope) => scope.endsWith(':read'));

const TENANT = 'members-acme';

/**
 * Members (issue 3): recorded at first sign-in, and from then on Latchkey's record, not the identity
 * provider's JWT, decides what a person may do; role changes and removals reach the verifiers' cache
 * before the call returns and are announced on the members topic.
 */
describe('members', () => {
  let system: RunningSystem;
  let tap: EventTap;

  beforeAll(async () => {
    system = await startSystem();
    tap = await EventTap.start(Topic.Members);
  });

  afterAll(async () => {
    await tap?.stop();
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);
  /** An Authorization header for `userId` whose identity-provider JWT claims `role`. */
  const as = (userId: string, role: Role, tenantId = TENANT) =>
    system.adminAuth({ tenantId, userId, role, email: `${userId}@${tenantId}.test` });
  const signIn = async (userId: string, role: Role, tenantId = TENANT) => {
    const auth = await as(userId, role, tenantId);
    await issuer().get('/v1/tokens').set('Authorization', auth).expect(200);
    return auth;
  };
  /** A new API token of the person behind `auth`. */
  const tokenOf = async (auth: string, body: Record<string, unknown>) =>
    (await issuer().post('/v1/tokens').set('Authorization', auth).send(body).expect(201)).body
      .token as string;
  /** The verifier's verdict on `token`, as a caller needing `requiredScopes` would get it. */
  const verdict = (token: string, requiredScopes: string[] = []): Promise<Verdict> =>
    system.verify(token, { requiredScopes });

  let olivia: string;

  beforeAll(async () => {
    olivia = await signIn('olivia', 'owner');
  });

  it('records people at their first sign-in, with the role and email of their JWT', async () => {
    const before = Date.now();
    await signIn('ada', 'admin');
    await signIn('mia', 'member');
    const res = await issuer().get('/v1/members').set('Authorization', olivia).expect(200);
    const items = res.body.items as Array<Record<string, unknown>>;
    expect(items.find((m) => m.userId === 'ada')).toEqual({
      userId: 'ada',
      email: `ada@${TENANT}.test`,
      role: 'admin',
      status: 'active',
      firstSeenAt: expect.any(String),
      lastSeenAt: expect.any(String),
    });
    expect(items.find((m) => m.userId === 'mia')).toMatchObject({ role: 'member', status: 'active' });
    expect(items.find((m) => m.userId === 'olivia')).toMatchObject({ role: 'owner', status: 'active' });
    const ada = items.find((m) => m.userId === 'ada') as { firstSeenAt: string };
    expect(Date.parse(ada.firstSeenAt)).toBeGreaterThanOrEqual(before - 5_000);
  });

  it('keeps the stored role when the JWT later claims another', async () => {
    await signIn('mona', 'member');
    const claimsOwner = await as('mona', 'owner');
    const res = await issuer().get('/v1/members').set('Authorization', claimsOwner).expect(403);
    expect(res.body.code).toBe('FORBIDDEN_ROLE');
  });

  it('refuses the Members API to members (403)', async () => {
    const mia = await signIn('mia', 'member');
    expect((await issuer().get('/v1/members').set('Authorization', mia).expect(403)).body.code).toBe(
      'FORBIDDEN_ROLE',
    );
    const patch = await issuer()
      .patch('/v1/members/olivia')
      .set('Authorization', mia)
      .send({ role: 'member' })
      .expect(403);
    expect(patch.body.code).toBe('FORBIDDEN_ROLE');
    expect(
      (await issuer().delete('/v1/members/olivia').set('Authorization', mia).expect(403)).body.code,
    ).toBe('FORBIDDEN_ROLE');
  });

  it('treats a demoted admin as a member at once, though their JWT still says admin', async () => {
    const alan = await signIn('alan', 'admin');
    await issuer().get('/v1/members').set('Authorization', alan).expect(200);
    // The verifier has seen alan as an admin (and may keep that in its cache) before the change.
    const alansToken = await tokenOf(alan, {
      name: 'alan-writer',
      scopes: ['projects:read', 'projects:write'],
    });
    expect(await verdict(alansToken, ['projects:write'])).toMatchObject({ valid: true, reason: 'OK' });

    const res = await issuer()
      .patch('/v1/members/alan')
      .set('Authorization', olivia)
      .send({ role: 'member' })
      .expect(200);
    expect(res.body).toMatchObject({ userId: 'alan', role: 'member', status: 'active' });
    expect(await verdict(alansToken, ['projects:write'])).toMatchObject({
      valid: false,
      reason: 'INSUFFICIENT_SCOPE',
      effectivePermissions: ['projects:read'],
    });

    const refused = await issuer().get('/v1/members').set('Authorization', alan).expect(403);
    expect(refused.body.code).toBe('FORBIDDEN_ROLE');
    await issuer().get('/v1/tokens').set('Authorization', alan).expect(200);

    const event = await tap.next(
      (e) => e.type === EventType.MemberRoleChanged && e.subject === 'alan' && e.tenantId === TENANT,
    );
    expect(event).toMatchObject({
      tenantId: TENANT,
      source: 'latchkey/issuer',
      data: { userId: 'alan', oldRole: 'admin', newRole: 'member', changedBy: 'olivia' },
    });
  });

  it('refuses a removed member everything (403 MEMBER_REMOVED)', async () => {
    const rita = await signIn('rita', 'admin');
    const ritasToken = await tokenOf(rita, { name: 'rita-script' });
    expect(await verdict(ritasToken)).toMatchObject({ valid: true, reason: 'OK' });
    await issuer().delete('/v1/members/rita').set('Authorization', olivia).expect(204);
    expect(await verdict(ritasToken)).toMatchObject({ valid: false, reason: 'OWNER_INACTIVE' });

    for (const call of [
      issuer().get('/v1/tokens').set('Authorization', rita),
      issuer().get('/v1/members').set('Authorization', rita),
      issuer().post('/v1/tokens').set('Authorization', rita).send({ name: 'after-removal' }),
    ]) {
      const res = await call.expect(403);
      expect(res.body.code).toBe('MEMBER_REMOVED');
    }
    const owners = await as('rita', 'owner');
    expect((await issuer().get('/v1/tokens').set('Authorization', owners).expect(403)).body.code).toBe(
      'MEMBER_REMOVED',
    );

    const event = await tap.next(
      (e) => e.type === EventType.MemberRemoved && e.subject === 'rita' && e.tenantId === TENANT,
    );
    expect(event).toMatchObject({ tenantId: TENANT, data: { userId: 'rita', removedBy: 'olivia' } });
    const list = await issuer().get('/v1/members').set('Authorization', olivia).expect(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ userId: 'rita', status: 'removed' }));
    expect(
      (await issuer().delete('/v1/members/rita').set('Authorization', olivia).expect(409)).body.code,
    ).toBe('MEMBER_ALREADY_REMOVED');
  });

  it('lets admins set admin or member on non-owners, never grant or revoke owner', async () => {
    const adam = await signIn('adam', 'admin');
    const maxsToken = await tokenOf(await signIn('max', 'member'), { name: 'max-script', scopes: ['*'] });
    expect((await verdict(maxsToken)).effectivePermissions).toEqual(MEMBER_PERMISSIONS);
    const patch = (userId: string, role: string) =>
      issuer().patch(`/v1/members/${userId}`).set('Authorization', adam).send({ role });

    expect((await patch('max', 'owner').expect(403)).body.code).toBe('FORBIDDEN_ROLE');
    expect((await patch('olivia', 'admin').expect(403)).body.code).toBe('FORBIDDEN_ROLE');
    expect(
      (await issuer().delete('/v1/members/olivia').set('Authorization', adam).expect(403)).body.code,
    ).toBe('FORBIDDEN_ROLE');
    // Refused changes change nothing the verifier sees; accepted ones reach it before the call returns.
    expect((await verdict(maxsToken)).effectivePermissions).toEqual(MEMBER_PERMISSIONS);

    expect((await patch('max', 'admin').expect(200)).body.role).toBe('admin');
    expect((await verdict(maxsToken)).effectivePermissions).toEqual([...DEFAULT_SCOPE_CATALOG]);
    expect((await patch('max', 'member').expect(200)).body.role).toBe('member');
    expect((await verdict(maxsToken)).effectivePermissions).toEqual(MEMBER_PERMISSIONS);
  });

  it('lets nobody change their own role or remove themselves', async () => {
    const adam = await signIn('adam', 'admin');
    const own = await issuer()
      .patch('/v1/members/adam')
      .set('Authorization', adam)
      .send({ role: 'member' })
      .expect(409);
    expect(own.body.code).toBe('CANNOT_CHANGE_OWN_ROLE');

    await signIn('otto', 'member');
    await issuer().patch('/v1/members/otto').set('Authorization', olivia).send({ role: 'owner' }).expect(200);
    const otto = await as('otto', 'member');
    const demoteSelf = await issuer()
      .patch('/v1/members/otto')
      .set('Authorization', otto)
      .send({ role: 'admin' })
      .expect(409);
    expect(demoteSelf.body.code).toBe('CANNOT_CHANGE_OWN_ROLE');
    expect((await issuer().delete('/v1/members/otto').set('Authorization', otto).expect(409)).body.code).toBe(
      'CANNOT_REMOVE_SELF',
    );
  });

  it('keeps the last active owner an owner', async () => {
    const sole = await signIn('sol', 'owner', 'members-solo');
    await signIn('ann', 'admin', 'members-solo');
    const demote = await issuer()
      .patch('/v1/members/sol')
      .set('Authorization', sole)
      .send({ role: 'admin' })
      .expect(409);
    expect(demote.body.code).toBe('LAST_OWNER');
    expect((await issuer().delete('/v1/members/sol').set('Authorization', sole).expect(409)).body.code).toBe(
      'LAST_OWNER',
    );
    const list = await issuer().get('/v1/members').set('Authorization', sole).expect(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ userId: 'sol', role: 'owner' }));
  });

  it('answers 404 for another tenant’s member and for an unknown user', async () => {
    const gus = await signIn('gus', 'owner', 'members-globex');
    await signIn('mia', 'member');
    for (const res of [
      await issuer().patch('/v1/members/mia').set('Authorization', gus).send({ role: 'admin' }),
      await issuer().delete('/v1/members/mia').set('Authorization', gus),
      await issuer().patch('/v1/members/nobody').set('Authorization', olivia).send({ role: 'admin' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('MEMBER_NOT_FOUND');
    }
    const list = await issuer().get('/v1/members').set('Authorization', gus).expect(200);
    expect(list.body.items.map((m: { userId: string }) => m.userId)).toEqual(['gus']);
  });

  it.each([
    ['an unknown role', { role: 'superuser' }],
    ['no role', {}],
    ['an unknown field', { role: 'admin', status: 'removed' }],
  ])('rejects %s with 400', async (_label, body) => {
    const res = await issuer().patch('/v1/members/mia').set('Authorization', olivia).send(body).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
