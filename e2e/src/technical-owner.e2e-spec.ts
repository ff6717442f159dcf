import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { REPO_ROOT } from './support/run-state';
import { type ReceivedMail, secretsIn } from './support/smtp-sink';
import { expectStatus, letTimePass, MAIL_FROM_ADDRESS, RenewalRig } from './support/renewals';

/**
 * Seed 004's coordination with the technical owner: "Tell the technical owner before rotating", "Check
 * with the technical owner if you are unsure". A token may name one (an address, maybe a name); Latchkey
 * mails them over real SMTP, through the worker, when the token is rotated and when it is revoked.
 * Every member reads the plan and whether it includes API access ("Upgrade required").
 */
describe('technical owner (seed 004)', () => {
  let rig: RenewalRig;
  const issuer = () => request(rig.system.issuer.url);

  beforeAll(async () => {
    rig = await RenewalRig.start();
  });

  afterAll(async () => {
    await rig?.close();
  });

  const rotate = async (auth: string, id: string) => {
    const res = await issuer()
      .post(`/v1/tokens/${id}/rotate`)
      .set('Authorization', auth)
      .send({ oldTokenExpiresIn: '1h' });
    expectStatus(res, 201, 'POST /v1/tokens/:id/rotate');
    return res.body as {
      id: string;
      token: string;
      technicalOwner: unknown;
      replaced: { expiresAt: string };
    };
  };

  const expectSentByLatchkey = (mail: ReceivedMail, recipient: string) => {
    expect(mail.from).toBe(MAIL_FROM_ADDRESS);
    expect(mail.to).toEqual([recipient]);
  };

  it('is set at creation, shown in detail and list, and mailed on rotation and on revocation', async () => {
    const tenant = await rig.tenant('tech-owner', { signingSecret: false });
    const techOwner = `platform@${tenant.id}.test`;
    const token = await rig.createToken(tenant.owner, {
      name: 'prod-main-app',
      technicalOwner: { email: techOwner, name: 'Platform team' },
    });
    expect(token.technicalOwner).toEqual({ email: techOwner, name: 'Platform team' });
    expect((await rig.token(tenant.owner, token.id)).technicalOwner).toEqual({
      email: techOwner,
      name: 'Platform team',
    });
    const list = await issuer().get('/v1/tokens').set('Authorization', tenant.owner).expect(200);
    expect(list.body.items[0]).toMatchObject({ id: token.id, technicalOwner: { email: techOwner } });

    const rotatedAt = Date.now();
    const rotated = await rotate(tenant.owner, token.id);
    // The successor serves the same systems: it keeps the technical owner.
    expect(rotated.technicalOwner).toEqual({ email: techOwner, name: 'Platform team' });
    const rotation = await rig.sink.nthTo(1, techOwner, (mail) => /rotated/.test(mail.subject));
    expectSentByLatchkey(rotation, techOwner);
    expect(rotation.receivedAt).toBeGreaterThanOrEqual(rotatedAt);
    expect(rotation.subject).toBe('API key "prod-main-app" was rotated: update your systems');
    expect(rotation.text).toContain('Hello Platform team,');
    expect(rotation.text).toContain(rotated.id);
    expect(rotation.text).toContain('Tell owner that the update is complete.');
    expect(rotation.text).toContain(`${rig.system.issuer.url}/console/tokens/${rotated.id}`);
    expect(secretsIn(rotation, [token.token, rotated.token])).toEqual([]);

    await rig.revoke(tenant.owner, rotated.id);
    const revocation = await rig.sink.nthTo(1, techOwner, (mail) => /revoked/.test(mail.subject));
    expectSentByLatchkey(revocation, techOwner);
    expect(revocation.subject).toBe('API key "prod-main-app" was revoked');
    expect(revocation.text).toContain(rotated.id);
    expect(revocation.text).toContain('revoked by owner');
    expect(secretsIn(revocation, [token.token, rotated.token])).toEqual([]);
    // Exactly one mail each: the owner, who did both, got none.
    await letTimePass(1_500);
    expect(rig.sink.mailsTo(techOwner)).toHaveLength(2);
    expect(rig.sink.mailsTo(tenant.ownerEmail)).toEqual([]);
  });

  it('is editable (PATCH); the new one is mailed, and a removed one is not', async () => {
    const tenant = await rig.tenant('tech-owner-edit', { signingSecret: false });
    const first = `first@${tenant.id}.test`;
    const second = `second@${tenant.id}.test`;
    const token = await rig.createToken(tenant.owner, {
      name: 'crm-integration',
      technicalOwner: { email: first },
    });
    expect(token.technicalOwner).toEqual({ email: first, name: null });
    const bad = await rig.patchToken(tenant.owner, token.id, { technicalOwner: { email: 'not-an-address' } });
    expectStatus(bad, 400, 'PATCH with a bad address');
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const edited = await rig.patchToken(tenant.owner, token.id, {
      technicalOwner: { email: second, name: 'CRM team' },
    });
    expectStatus(edited, 200, 'PATCH technicalOwner');
    expect(edited.body.technicalOwner).toEqual({ email: second, name: 'CRM team' });

    await rig.revoke(tenant.owner, token.id);
    const mail = await rig.sink.nthTo(1, second);
    expect(mail.text).toContain('Hello CRM team,');
    expect(rig.sink.mailsTo(first)).toEqual([]);

    const other = await rig.createToken(tenant.owner, {
      name: 'staging-api',
      technicalOwner: { email: first },
    });
    expectStatus(await rig.patchToken(tenant.owner, other.id, { technicalOwner: null }), 200, 'PATCH null');
    expect((await rig.token(tenant.owner, other.id)).technicalOwner).toBeNull();
    await rig.revoke(tenant.owner, other.id);
    await letTimePass(3_000);
    expect(rig.sink.mailsTo(first)).toEqual([]);
  });

  it('sends no extra mail for a token without technical owner', async () => {
    const tenant = await rig.tenant('no-tech-owner', { signingSecret: false });
    const token = await rig.createToken(tenant.owner, { name: 'unattended-job' });
    expect(token.technicalOwner).toBeNull();
    const rotated = await rotate(tenant.owner, token.id);
    await rig.revoke(tenant.owner, rotated.id);
    // A token with a technical owner, revoked afterwards, is the marker that the worker got this far.
    const marker = `marker@${tenant.id}.test`;
    const later = await rig.createToken(tenant.owner, { name: 'marker', technicalOwner: { email: marker } });
    await rig.revoke(tenant.owner, later.id);
    await rig.sink.nthTo(1, marker);
    await letTimePass(1_500);
    expect(rig.sink.mails.filter((mail) => mail.text.includes('unattended-job'))).toEqual([]);
  });

  it('lets every member read the plan and API access: members see "Upgrade required" too', async () => {
    const tenant = await rig.tenant('plan-read', { signingSecret: false });
    const member = await rig.system.adminAuth({ tenantId: tenant.id, userId: 'mia', role: 'member' });
    const read = await issuer().get('/v1/tenant/policy').set('Authorization', member);
    expectStatus(read, 200, 'GET /v1/tenant/policy as a member');
    expect(read.body).toMatchObject({ plan: 'team', apiAccess: true });

    const result = spawnSync(
      process.execPath,
      [
        resolve(REPO_ROOT, 'apps/issuer/dist/cli/tenant.js'),
        'set-plan',
        '--tenant',
        tenant.id,
        '--plan',
        'free',
      ],
      { env: process.env, encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    const after = await issuer().get('/v1/tenant/policy').set('Authorization', member).expect(200);
    expect(after.body).toMatchObject({ plan: 'free', apiAccess: false });
    // Reading is all a member gets: changing the policy stays the owners'.
    const write = await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', member)
      .send({ requireExpiry: true })
      .expect(403);
    expect(write.body.code).toBe('FORBIDDEN_ROLE');
  });
});
