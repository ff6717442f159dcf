import request from 'supertest';
import { RenewalRig } from './support/renewals';

/**
 * The worker's internal API has its own listener (INTERNAL_HOST:INTERNAL_PORT): the public port does not
 * serve it, whatever the spelling, and it serves nothing else. An offer is never opened before it is due.
 */
describe('internal API listener', () => {
  let rig: RenewalRig;
  let secret: string;

  beforeAll(async () => {
    rig = await RenewalRig.start();
    secret = rig.system.env.INTERNAL_API_SECRET ?? '';
  });

  afterAll(async () => {
    await rig?.close();
  });

  const publicPort = () => request(rig.system.issuer.url);
  const internalPort = () => request(rig.system.issuerInternalUrl);
  const bearer = () => `Bearer ${secret}`;

  it('answers the internal API on its own port only (404 on the public port)', async () => {
    const tenant = await rig.tenant('internal-door', { signingSecret: false });
    const token = await rig.createToken(tenant.owner, { name: 'door' });

    const inside = await internalPort().get(`/internal/v1/tokens/${token.id}`).set('Authorization', bearer());
    expect(inside.status).toBe(200);
    expect(inside.body).toMatchObject({ id: token.id, tenantId: tenant.id });

    for (const path of [
      `/internal/v1/tokens/${token.id}`,
      `/INTERNAL/v1/tokens/${token.id}`,
      `//internal/v1/tokens/${token.id}`,
      `/%69nternal/v1/tokens/${token.id}`,
    ]) {
      const outside = await publicPort().get(path).set('Authorization', bearer());
      expect({ path, status: outside.status }).toEqual({ path, status: 404 });
      expect(outside.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(outside.body).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
      expect(outside.body.id).toBeUndefined();
    }
    await publicPort()
      .post(`/internal/v1/tokens/${token.id}/renewal-offers`)
      .set('Authorization', bearer())
      .send({ dueAt: new Date().toISOString() })
      .expect(404);

    // And the internal listener serves nothing of the public API.
    await internalPort().get(`/v1/tokens/${token.id}`).set('Authorization', tenant.owner).expect(404);
    await internalPort().get('/health').expect(404);
    await publicPort().get('/health').expect(200);
  });

  it('refuses to open a renewal offer before it is due (409 RENEWAL_NOT_DUE)', async () => {
    const tenant = await rig.tenant('not-due');
    const hook = rig.receiver.endpoint('/not-due');
    const token = await rig.createToken(tenant.owner, {
      name: 'later',
      autoRenewal: { everyDays: 40, callbackUrl: hook.url },
    });
    const dueAt = token.autoRenewal?.nextRenewalAt ?? '';
    expect(Date.parse(dueAt)).toBeGreaterThan(Date.now() + 30_000);

    const early = await internalPort()
      .post(`/internal/v1/tokens/${token.id}/renewal-offers`)
      .set('Authorization', bearer())
      .send({ dueAt });
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(early.body).toMatchObject({ code: 'RENEWAL_NOT_DUE', dueAt });
    // Nothing was opened, so nothing can be delivered or redeemed: the schedule is unchanged.
    expect((await rig.token(tenant.owner, token.id)).autoRenewal?.nextRenewalAt).toBe(dueAt);
    expect(hook.requests).toHaveLength(0);
  });
});
