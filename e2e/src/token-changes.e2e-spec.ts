import request from 'supertest';
import { EventType, Topic } from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';
import { EventTap } from './support/event-tap';
import { startSystem, type RunningSystem } from './support/system';

interface View {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  expiresAt: string | null;
  status: string;
}

/** What may change after creation (seeds 000, 003, 004): the description; rotation; renewal. */
describe('changing tokens', () => {
  let system: RunningSystem;
  let admin: string;
  let tap: EventTap;

  beforeAll(async () => {
    system = await startSystem();
    admin = await system.adminAuth({ tenantId: 'changes', userId: 'carla', role: 'admin' });
    tap = await EventTap.start(Topic.TokenLifecycle);
  });

  afterAll(async () => {
    await tap?.stop();
    await system?.close();
  });

  const issuer = () => request(system.issuer.url);
  const create = async (body: Record<string, unknown>) =>
    (await issuer().post('/v1/tokens').set('Authorization', admin).send(body).expect(201)).body as View & {
      token: string;
    };
  const reason = async (token: string) =>
    ((await system.verifyHttp(token)).body as { reason: string }).reason;

  describe('editing', () => {
    it('changes and clears the description, and says so on the lifecycle topic', async () => {
      const token = await create({ name: 'crm-integration', description: 'syncs contacts' });
      expect(token.description).toBe('syncs contacts');
      const edited = await issuer()
        .patch(`/v1/tokens/${token.id}`)
        .set('Authorization', admin)
        .send({ description: '  nightly contact sync  ' })
        .expect(200);
      expect(edited.body).toMatchObject({
        id: token.id,
        name: 'crm-integration',
        description: 'nightly contact sync',
      });
      await tap.next((e) => e.type === EventType.TokenUpdated && e.subject === token.id);
      const cleared = await issuer()
        .patch(`/v1/tokens/${token.id}`)
        .set('Authorization', admin)
        .send({ description: null })
        .expect(200);
      expect(cleared.body.description).toBeNull();
      expect(await reason(token.token)).toBe('OK');
    });

    it.each([
      ['name', { name: 'renamed' }],
      ['expiresAt', { expiresAt: new Date(Date.now() + 86_400_000).toISOString() }],
      ['expiresIn', { expiresIn: '30d' }],
      ['scopes', { scopes: ['projects:write'] }],
    ])('refuses to change %s: revoke and create a new token', async (field, body) => {
      const token = await create({ name: `immutable-${field}` });
      const res = await issuer()
        .patch(`/v1/tokens/${token.id}`)
        .set('Authorization', admin)
        .send(body)
        .expect(422);
      expect(res.body).toMatchObject({ code: 'TOKEN_FIELD_IMMUTABLE', fields: [field] });
      expect(res.body.detail).toMatch(/Revoke the token and create a new one/);
      const after = await issuer().get(`/v1/tokens/${token.id}`).set('Authorization', admin).expect(200);
      expect(after.body.name).toBe(`immutable-${field}`);
    });

    it('rejects an empty edit, an unknown field and an over-long description', async () => {
      const token = await create({ name: 'edit-checks' });
      const patch = (body: unknown) =>
        issuer()
          .patch(`/v1/tokens/${token.id}`)
          .set('Authorization', admin)
          .send(body as object);
      expect((await patch({}).expect(400)).body.code).toBe('NOTHING_TO_UPDATE');
      expect((await patch({ status: 'active' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await patch({ description: 'd'.repeat(1025) }).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
    });

    it('answers 404 for another tenant’s token', async () => {
      const token = await create({ name: 'not-yours' });
      const other = await system.adminAuth({ tenantId: 'elsewhere', userId: 'eve', role: 'owner' });
      const res = await issuer()
        .patch(`/v1/tokens/${token.id}`)
        .set('Authorization', other)
        .send({ description: 'x' });
      expect(res.status).toBe(404);
    });
  });

  describe('rotating', () => {
    it('ends the old secret at once with "now"; the new one has the same settings', async () => {
      const old = await create({ name: 'prod-main-app', description: 'main app', expiresIn: '30d' });
      const res = await issuer()
        .post(`/v1/tokens/${old.id}/rotate`)
        .set('Authorization', admin)
        .send({ oldTokenExpiresIn: 'now' })
        .expect(201);
      const rotated = res.body as View & { token: string; replaced: View };
      expect(rotated.id).not.toBe(old.id);
      expect(rotated).toMatchObject({ name: 'prod-main-app', description: 'main app', status: 'active' });
      expect(rotated.replaced).toMatchObject({ id: old.id, status: 'expired' });
      const lifetime = (v: View) => Date.parse(v.expiresAt ?? '') - Date.parse(v.createdAt);
      expect(Math.abs(lifetime(rotated) - lifetime(old))).toBeLessThan(1_000);

      expect(await reason(old.token)).toBe('EXPIRED');
      expect(await reason(rotated.token)).toBe('OK');
      const renewed = await tap.next((e) => e.type === EventType.TokenRenewed && e.subject === old.id);
      expect(renewed.data).toMatchObject({ oldTokenId: old.id, newTokenId: rotated.id, renewedBy: 'carla' });
    });

    it('keeps the old secret working through the grace period, capped at its own expiry', async () => {
      const old = await create({ name: 'grace', expiresIn: '30d' });
      const res = await issuer()
        .post(`/v1/tokens/${old.id}/rotate`)
        .set('Authorization', admin)
        .send({ oldTokenExpiresIn: '24h' })
        .expect(201);
      expect(Math.abs(Date.parse(res.body.replaced.expiresAt) - (Date.now() + 86_400_000))).toBeLessThan(
        60_000,
      );
      expect(await reason(old.token)).toBe('OK');

      const shortLived = await create({
        name: 'short',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const capped = await issuer()
        .post(`/v1/tokens/${shortLived.id}/rotate`)
        .set('Authorization', admin)
        .send({ oldTokenExpiresIn: '7d' })
        .expect(201);
      expect(capped.body.replaced.expiresAt).toBe(shortLived.expiresAt);
    });

    it('refuses revoked and expired tokens, and unknown grace periods', async () => {
      const revoked = await create({ name: 'gone' });
      await issuer().post(`/v1/tokens/${revoked.id}/revoke`).set('Authorization', admin).expect(200);
      const rotate = (id: string, oldTokenExpiresIn: string) =>
        issuer().post(`/v1/tokens/${id}/rotate`).set('Authorization', admin).send({ oldTokenExpiresIn });
      expect((await rotate(revoked.id, '1h').expect(409)).body.code).toBe('TOKEN_REVOKED');
      const ended = await create({ name: 'ended' });
      await rotate(ended.id, 'now').expect(201);
      expect((await rotate(ended.id, '1h').expect(409)).body.code).toBe('TOKEN_EXPIRED');
      const live = await create({ name: 'live' });
      expect((await rotate(live.id, '2d').expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('renewing', () => {
    it('issues a token with the new name and ends the old one when chosen (seed 003)', async () => {
      const old = await create({ name: 'reporting-2026', expiresIn: '90d' });
      const endsAt = new Date(Date.now() + 2_000).toISOString();
      const res = await issuer()
        .post(`/v1/tokens/${old.id}/renew`)
        .set('Authorization', admin)
        .send({ name: 'reporting-2027', description: 'renewed', oldTokenEndsAt: endsAt })
        .expect(201);
      expect(res.body).toMatchObject({ name: 'reporting-2027', description: 'renewed', status: 'active' });
      expect(res.body.replaced).toMatchObject({ id: old.id, expiresAt: endsAt, status: 'active' });
      expect(await reason(old.token)).toBe('OK');
      expect(await reason(res.body.token as string)).toBe('OK');
      await waitFor(async () => (await reason(old.token)) === 'EXPIRED', {
        timeoutMs: 10_000,
        what: 'the old token to end',
      });
      expect(await reason(res.body.token as string)).toBe('OK');
    });

    it('applies the tenant policy of today to the successor (seed 004)', async () => {
      const owner = await system.adminAuth({ tenantId: 'policy-renewal', userId: 'olivia', role: 'owner' });
      const created = await issuer()
        .post('/v1/tokens')
        .set('Authorization', owner)
        .send({ name: 'long-lived', expiresIn: '1y' })
        .expect(201);
      await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', owner)
        .send({ maxLifetimeDays: 90 })
        .expect(200);
      const res = await issuer()
        .post(`/v1/tokens/${created.body.id}/rotate`)
        .set('Authorization', owner)
        .send({ oldTokenExpiresIn: '1h' })
        .expect(422);
      expect(res.body.code).toBe('POLICY_MAX_LIFETIME_EXCEEDED');
      expect(await reason(created.body.token as string)).toBe('OK');
    });

    it('refuses an end in the past, an end after the old expiry, and a revoked token', async () => {
      const old = await create({ name: 'bounded', expiresIn: '30d' });
      const renew = (id: string, oldTokenEndsAt: string) =>
        issuer()
          .post(`/v1/tokens/${id}/renew`)
          .set('Authorization', admin)
          .send({ name: 'next', oldTokenEndsAt });
      expect((await renew(old.id, new Date(Date.now() - 60_000).toISOString()).expect(400)).body.code).toBe(
        'END_IN_PAST',
      );
      expect(
        (await renew(old.id, new Date(Date.now() + 40 * 86_400_000).toISOString()).expect(422)).body.code,
      ).toBe('CANNOT_EXTEND_TOKEN');
      await issuer().post(`/v1/tokens/${old.id}/revoke`).set('Authorization', admin).expect(200);
      expect((await renew(old.id, new Date().toISOString()).expect(409)).body.code).toBe('TOKEN_REVOKED');
    });
  });
});
