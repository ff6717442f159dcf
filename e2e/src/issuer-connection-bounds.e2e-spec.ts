import { withClient } from '@latchkey/testing';
import request from 'supertest';
import { callbackBody, expectStatus, letTimePass, RenewalRig, TIMINGS } from './support/renewals';

/*
 * The issuer's database access is bounded and never needs two connections at once:
 * - with a pool of ONE connection, every write path still completes (a path that took a second
 *   connection while its transaction holds the first would wait for ever, or here until the pool's
 *   checkout timeout, and answer 503);
 * - a row lock held elsewhere makes a request answer 503 DATABASE_BUSY after the lock timeout, not hang;
 * - a removed owner's tokens get no more renewals.
 */

const LOCK_TIMEOUT_MS = 500;

describe('issuer database bounds: one connection is enough, and nothing waits for ever', () => {
  let rig: RenewalRig;

  beforeAll(async () => {
    rig = await RenewalRig.start({
      DATABASE_POOL_SIZE: '1',
      DATABASE_PRIORITY_POOL_SIZE: '1',
      DATABASE_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS),
      RENEWAL_REDEEM_WINDOW_MS: '60000',
    });
  });

  afterAll(async () => {
    await rig?.close();
  });

  const issuer = () => request(rig.system.issuer.url);

  it('runs every write path on a pool of one connection', async () => {
    const tenant = await rig.tenant('pool-of-one');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const token = await rig.createToken(tenant.owner, {
      name: 'single-connection',
      expiresIn: '90d',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });

    // Worker → issuer: open the offer and take a signed delivery (policy and signing secrets are read
    // inside those transactions); then the public redeem issues the successor.
    const key = callbackBody(await hook.nthCallback(1, token.id)).key;
    const renewed = await rig.redeemed(key);

    const edited = await rig.patchToken(tenant.owner, renewed.id, { description: 'edited' });
    expectStatus(edited, 200, 'PATCH /v1/tokens/:id');
    const rotated = await issuer()
      .post(`/v1/tokens/${renewed.id}/rotate`)
      .set('Authorization', tenant.owner)
      .send({ oldTokenExpiresIn: 'now' });
    expectStatus(rotated, 201, 'rotate');
    const rotatedId = (rotated.body as { id: string }).id;
    const renewedByHand = await issuer()
      .post(`/v1/tokens/${rotatedId}/renew`)
      .set('Authorization', tenant.owner)
      .send({ name: 'by-hand', oldTokenEndsAt: new Date(Date.now() + 60_000).toISOString() });
    expectStatus(renewedByHand, 201, 'renew');
    await rig.revoke(tenant.owner, (renewedByHand.body as { id: string }).id);

    const member = await rig.system.adminAuth({ tenantId: tenant.id, userId: 'mia', role: 'member' });
    expectStatus(await issuer().get('/v1/tokens').set('Authorization', member), 200, 'member signs in');
    const promoted = await issuer()
      .patch('/v1/members/mia')
      .set('Authorization', tenant.owner)
      .send({ role: 'admin' });
    expectStatus(promoted, 200, 'PATCH /v1/members/mia');
    const removed = await issuer().delete('/v1/members/mia').set('Authorization', tenant.owner);
    expectStatus(removed, 204, 'DELETE /v1/members/mia');
  });

  it('answers 503 DATABASE_BUSY with Retry-After when a row stays locked, instead of waiting for ever', async () => {
    const tenant = await rig.tenant('locked');
    const token = await rig.createToken(tenant.owner, { name: 'held', expiresIn: '30d' });

    await withClient(process.env.DATABASE_URL ?? '', async (holder) => {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM tokens WHERE id = $1 FOR UPDATE', [token.id]);
      try {
        const started = Date.now();
        const res = await issuer()
          .post(`/v1/tokens/${token.id}/revoke`)
          .set('Authorization', tenant.owner)
          .timeout(10_000);
        const took = Date.now() - started;
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.headers['retry-after']).toBe('1');
        expect(res.body).toMatchObject({ code: 'DATABASE_BUSY', status: 503 });
        expect(took).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS - 50);
        expect(took).toBeLessThan(LOCK_TIMEOUT_MS + 3_000);
      } finally {
        await holder.query('ROLLBACK');
      }
    });

    // Nothing was changed by the refused call, and once the lock is gone the revoke goes through.
    expect(await rig.verdict(token.token)).toBe('OK');
    await rig.revoke(tenant.owner, token.id);
    expect(await rig.verdict(token.token)).toBe('REVOKED');
  });

  it("stops renewing a removed owner's tokens: pending keys are cancelled and nothing more is offered", async () => {
    const tenant = await rig.tenant('removed-owner');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const bob = await rig.system.adminAuth({ tenantId: tenant.id, userId: 'bob', role: 'admin' });
    const due = await rig.createToken(bob, {
      name: 'due-soon',
      expiresIn: '90d',
      autoRenewal: { everyDays: 1, callbackUrl: hook.url },
    });
    const key = callbackBody(await hook.nthCallback(1, due.id)).key;
    const later = await rig.createToken(bob, {
      name: 'due-later',
      expiresIn: '90d',
      autoRenewal: { everyDays: 3, callbackUrl: hook.url },
    });

    const removed = await issuer().delete('/v1/members/bob').set('Authorization', tenant.owner);
    expectStatus(removed, 204, 'DELETE /v1/members/bob');

    const redeem = await rig.redeem({ key });
    expect(redeem.status).toBe(410);
    expect(redeem.body).toMatchObject({ code: 'RENEWAL_KEY_CANCELLED' });
    const [offer] = await rig.renewals(tenant.owner, due.id);
    expect(offer.status).toBe('cancelled');
    expect((await rig.token(tenant.owner, later.id)).autoRenewal?.nextRenewalAt ?? null).toBeNull();

    // Proves an absence: the later token's renewal was due 3 "days" after its creation.
    await letTimePass(3 * TIMINGS.day + 1_500);
    expect(hook.callbacksFor(later.id)).toHaveLength(0);
    expect(hook.callbacksFor(due.id)).toHaveLength(1);
  });
});
