import request from 'supertest';
import { waitFor } from '@latchkey/testing';
import { RenewalRig } from './support/renewals';

const TENANT = 'ownership';

interface Entry {
  type: string;
  actorId: string | null;
  tokenId: string | null;
  details: Record<string, unknown>;
}

/**
 * Only a token's owner receives a successor's plaintext: an admin may see and revoke someone else's
 * token, never rotate it, renew it or send its renewals elsewhere; the audit log names who acted.
 */
describe('token ownership', () => {
  let rig: RenewalRig;
  let olga: string;
  let bob: string;
  const olgaEmail = `olga@${TENANT}.test`;

  beforeAll(async () => {
    rig = await RenewalRig.start();
    olga = await rig.system.adminAuth({ tenantId: TENANT, userId: 'olga', role: 'owner', email: olgaEmail });
    bob = await rig.system.adminAuth({ tenantId: TENANT, userId: 'bob', role: 'admin' });
  });

  afterAll(async () => {
    await rig?.close();
  });

  const issuer = () => request(rig.system.issuer.url);

  it("refuses an admin a plaintext of the owner's token; the admin's revocation is audited as the admin", async () => {
    const token = (
      await issuer().post('/v1/tokens').set('Authorization', olga).send({ name: 'olga-crm' }).expect(201)
    ).body as { id: string };

    const rotate = await issuer()
      .post(`/v1/tokens/${token.id}/rotate`)
      .set('Authorization', bob)
      .send({ oldTokenExpiresIn: 'now' })
      .expect(403);
    expect(rotate.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(rotate.body).toMatchObject({ status: 403, code: 'NOT_TOKEN_OWNER' });
    expect(rotate.body.token).toBeUndefined();

    const renew = await issuer()
      .post(`/v1/tokens/${token.id}/renew`)
      .set('Authorization', bob)
      .send({ name: 'bob-now', oldTokenEndsAt: new Date(Date.now() + 60_000).toISOString() })
      .expect(403);
    expect(renew.body).toMatchObject({ code: 'NOT_TOKEN_OWNER' });
    expect(renew.body.token).toBeUndefined();

    const redirect = await issuer()
      .patch(`/v1/tokens/${token.id}`)
      .set('Authorization', bob)
      .send({ autoRenewal: { everyDays: 30, callbackUrl: 'https://bob.example.com/hook' } })
      .expect(403);
    expect(redirect.body).toMatchObject({ code: 'NOT_TOKEN_OWNER' });

    // Nothing was replaced: the token is still Olga's, live and without a successor.
    const shown = (await issuer().get(`/v1/tokens/${token.id}`).set('Authorization', olga).expect(200))
      .body as { status: string; replacedByTokenId?: string | null };
    expect(shown.status).toBe('active');
    expect(shown.replacedByTokenId ?? null).toBeNull();

    await issuer().post(`/v1/tokens/${token.id}/revoke`).set('Authorization', bob).expect(200);
    const revoked = await waitFor(
      async () => {
        const page = await issuer()
          .get('/v1/audit-events')
          .query({ tokenId: token.id, type: 'token.revoked' })
          .set('Authorization', olga)
          .expect(200);
        return (page.body.items as Entry[]).find((e) => e.type === 'token.revoked');
      },
      { timeoutMs: 30_000, what: 'the revocation in the audit log' },
    );
    expect(revoked.actorId).toBe('bob');
    expect(revoked.details).toMatchObject({ revokedBy: 'bob', ownerId: 'olga' });

    // And Olga is told, by mail, who revoked her token.
    const mail = await rig.sink.nthTo(1, olgaEmail, (m) => m.text.includes(token.id));
    expect(mail.subject).toBe('Your API token "olga-crm" was revoked');
    expect(mail.text).toContain('revoked by bob');
  });

  it('lets the owner rotate her own token and receive its plaintext', async () => {
    const token = (
      await issuer().post('/v1/tokens').set('Authorization', olga).send({ name: 'olga-own' }).expect(201)
    ).body as { id: string };
    const rotated = await issuer()
      .post(`/v1/tokens/${token.id}/rotate`)
      .set('Authorization', olga)
      .send({ oldTokenExpiresIn: 'now' })
      .expect(201);
    expect(rotated.body.token).toMatch(/^lk_/);
    // Her own revocation mails nobody.
    await issuer().post(`/v1/tokens/${rotated.body.id}/revoke`).set('Authorization', olga).expect(200);
  });
});
