import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { waitFor } from '@latchkey/testing';
import { generateToken } from '@latchkey/token-format';
import { checkSignature } from './support/callback-receiver';
import {
  callbackBody,
  CLOCK_SLACK_MS,
  expectNear,
  letTimePass,
  ms,
  offerIdOf,
  RenewalRig,
  TIMINGS,
} from './support/renewals';

/** A rotated secret keeps signing this long beside its successor. */
const ROTATION_GRACE_MS = 5_000;

/**
 * What an admin configures and what a third party calls (seed 003, issue 4): the tenant's signing secret
 * (shown once, rotatable), auto-renewal on create and PATCH with the SSRF guard at save time, and the
 * redeem endpoint's refusals.
 */
describe('auto-renewal: settings, signing secrets and redeem errors', () => {
  let rig: RenewalRig;

  beforeAll(async () => {
    rig = await RenewalRig.start({ SIGNING_SECRET_ROTATION_GRACE_MS: String(ROTATION_GRACE_MS) });
  });

  afterAll(async () => {
    await rig?.close();
  });

  const issuer = () => request(rig.system.issuer.url);

  describe('signing secrets', () => {
    it('shows a new secret once; the list shows only its prefix, and members may not see either', async () => {
      const tenant = await rig.tenant('secret-once', { signingSecret: false });
      expect(await rig.signingSecrets(tenant.owner)).toEqual([]);

      const created = await rig.createSigningSecret(tenant.owner);
      expect(created).toEqual({
        id: expect.any(String),
        secret: expect.stringMatching(/^lksig_[A-Za-z0-9_-]{43}$/),
        secretPrefix: expect.any(String),
        createdAt: expect.any(String),
        previous: null,
      });
      expect(created.secret.startsWith(created.secretPrefix)).toBe(true);
      expect(created.secretPrefix.length).toBeLessThanOrEqual(16);

      const listed = await issuer().get('/v1/tenant/signing-secrets').set('Authorization', tenant.owner);
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({
        items: [
          {
            id: created.id,
            secretPrefix: created.secretPrefix,
            createdAt: created.createdAt,
            retiresAt: null,
          },
        ],
      });
      expect(JSON.stringify(listed.body)).not.toContain(created.secret.slice(created.secretPrefix.length));

      const member = await rig.system.adminAuth({ tenantId: tenant.id, userId: 'max', role: 'member' });
      expect((await issuer().get('/v1/tenant/signing-secrets').set('Authorization', member)).status).toBe(
        403,
      );
      expect(
        (await issuer().post('/v1/tenant/signing-secrets').set('Authorization', member).send({})).status,
      ).toBe(403);
      expect((await issuer().get('/v1/tenant/signing-secrets')).status).toBe(401);
    });

    it('signs with both secrets during a rotation (either verifies), then with the new one alone', async () => {
      const tenant = await rig.tenant('rotation');
      const old = tenant.secret;
      const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(old);
      const rotatedAt = Date.now();
      const rotated = await rig.createSigningSecret(tenant.owner);
      expect(rotated.secret).not.toBe(old);
      expect(rotated.previous).toEqual({ id: expect.any(String), retiresAt: expect.any(String) });
      const retiresAt = ms(rotated.previous?.retiresAt ?? '');
      expectNear(retiresAt, rotatedAt + ROTATION_GRACE_MS, 1_000);
      const listed = await rig.signingSecrets(tenant.owner);
      expect(listed).toHaveLength(2);
      expect(listed.find((s) => s.id === rotated.id)?.retiresAt).toBeNull();
      expect(listed.find((s) => s.id === rotated.previous?.id)?.retiresAt).toBe(rotated.previous?.retiresAt);

      const token = await rig.createToken(tenant.owner, {
        name: 'rotating-partner',
        autoRenewal: { everyDays: 1, callbackUrl: hook.url },
      });
      // Due 1.5 s after creation, well before the old secret retires (5 s after the rotation).
      const during = await hook.nthCallback(1, token.id);
      expect(during.receivedAt).toBeLessThan(retiresAt);
      expect(during.signature).toMatchObject({ ok: true, signatures: 2 });
      const header = during.headers['latchkey-signature'];
      expect(checkSignature(during.rawBody, header, [old])).toMatchObject({ ok: true });
      expect(checkSignature(during.rawBody, header, [rotated.secret])).toMatchObject({ ok: true });
      const stranger = `lksig_${randomBytes(32).toString('base64url')}`;
      expect(checkSignature(during.rawBody, header, [stranger])).toMatchObject({
        ok: false,
        reason: 'NO_MATCHING_SIGNATURE',
      });
      // The check is real: one changed byte of the body and neither secret matches.
      const tampered = during.rawBody.replace(
        token.id,
        token.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      );
      expect(checkSignature(tampered, header, [old, rotated.secret])).toMatchObject({ ok: false });
      // v2 covers the URL: the same delivery replayed to another URL does not verify there.
      expect(checkSignature(during.rawBody, header, [old], { destinationUrl: hook.url })).toMatchObject({
        ok: true,
      });
      expect(
        checkSignature(during.rawBody, header, [old, rotated.secret], {
          destinationUrl: `${hook.url}-elsewhere`,
        }),
      ).toMatchObject({ ok: false, reason: 'NO_MATCHING_SIGNATURE' });

      // Unredeemed, the next offer comes after the window and the re-callback delay: the old secret has
      // retired by then, so only the new one signs.
      hook.trust(rotated.secret);
      const first = callbackBody(during);
      const after = await waitFor(
        () => hook.callbacksFor(token.id).find((received) => offerIdOf(received) !== first.offerId),
        { timeoutMs: TIMINGS.window + TIMINGS.recallbackDelay + 15_000, what: 'the next offer' },
      );
      expect(after.receivedAt).toBeGreaterThan(retiresAt);
      expect(after.signature).toMatchObject({ ok: true, signatures: 1 });
      expect(checkSignature(after.rawBody, after.headers['latchkey-signature'], [old])).toMatchObject({
        ok: false,
        reason: 'NO_MATCHING_SIGNATURE',
      });
      expect((await rig.signingSecrets(tenant.owner)).map((s) => s.id)).toEqual([rotated.id]);
      await rig.revoke(tenant.owner, token.id);
    });

    it('refuses auto-renewal while the tenant has no signing secret (409 SIGNING_SECRET_REQUIRED)', async () => {
      const tenant = await rig.tenant('no-secret', { signingSecret: false });
      const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`);
      const autoRenewal = { everyDays: 1, callbackUrl: hook.url };

      const refused = await rig.postToken(tenant.owner, { name: 'too-early', autoRenewal });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('SIGNING_SECRET_REQUIRED');
      const plain = await rig.createToken(tenant.owner, { name: 'plain' });
      const patched = await rig.patchToken(tenant.owner, plain.id, { autoRenewal });
      expect(patched.status).toBe(409);
      expect(patched.body.code).toBe('SIGNING_SECRET_REQUIRED');
      expect((await rig.token(tenant.owner, plain.id)).autoRenewal).toBeNull();

      await rig.createSigningSecret(tenant.owner);
      const accepted = await rig.createToken(tenant.owner, { name: 'now-allowed', autoRenewal });
      expect(accepted.autoRenewal).toMatchObject({ everyDays: 1, callbackUrl: hook.url });
      await rig.revoke(tenant.owner, accepted.id);
    });
  });

  describe('callback URLs', () => {
    it.each([
      ['plain http', 'http://example.com/latchkey'],
      ['loopback address', 'https://127.0.0.1:8443/latchkey'],
      ['loopback name', 'https://localhost:8443/latchkey'],
      ['IPv6 loopback', 'https://[::1]/latchkey'],
      ['cloud metadata address', 'https://169.254.169.254/latest/meta-data/'],
      ['private address', 'https://10.0.0.1/latchkey'],
      ['local port that is not allow-listed', 'http://127.0.0.1:9/latchkey'],
    ])('refuses a %s on create and on PATCH (400 CALLBACK_URL_REFUSED)', async (_label, callbackUrl) => {
      const tenant = await rig.tenant('ssrf');
      const autoRenewal = { everyDays: 1, callbackUrl };

      const created = await rig.postToken(tenant.owner, { name: 'refused-at-create', autoRenewal });
      expect(created.status).toBe(400);
      expect(created.body.code).toBe('CALLBACK_URL_REFUSED');
      const listed = await issuer().get('/v1/tokens').set('Authorization', tenant.owner).expect(200);
      expect(listed.body.items).toEqual([]);

      const plain = await rig.createToken(tenant.owner, { name: 'refused-at-patch' });
      const patched = await rig.patchToken(tenant.owner, plain.id, { autoRenewal });
      expect(patched.status).toBe(400);
      expect(patched.body.code).toBe('CALLBACK_URL_REFUSED');
      expect((await rig.token(tenant.owner, plain.id)).autoRenewal).toBeNull();
    });

    it('switches auto-renewal on and off with PATCH: on calls back, off never does', async () => {
      const tenant = await rig.tenant('patch');
      const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
      const on = await rig.createToken(tenant.owner, { name: 'switched-on' });
      const off = await rig.createToken(tenant.owner, { name: 'switched-off' });
      expect(on.autoRenewal).toBeNull();

      const recipient = `ops@${tenant.id}.test`;
      const patchStarted = Date.now();
      const enabled = await rig.patchToken(tenant.owner, on.id, {
        autoRenewal: { everyDays: 1, callbackUrl: hook.url, mailRecipient: recipient },
      });
      expect(enabled.status).toBe(200);
      expect(enabled.body.autoRenewal).toEqual({
        everyDays: 1,
        callbackUrl: hook.url,
        mailRecipient: recipient,
        nextRenewalAt: expect.any(String),
      });
      expectNear(ms(enabled.body.autoRenewal.nextRenewalAt), patchStarted + TIMINGS.day, 1_000);

      const briefly = await rig.patchToken(tenant.owner, off.id, {
        autoRenewal: { everyDays: 2, callbackUrl: hook.url },
      });
      expect(briefly.status).toBe(200);
      const offDueAt = ms(briefly.body.autoRenewal.nextRenewalAt);
      const disabled = await rig.patchToken(tenant.owner, off.id, { autoRenewal: null });
      expect(disabled.status).toBe(200);
      expect(disabled.body.autoRenewal).toBeNull();

      const callback = await hook.nthCallback(1, on.id);
      expect(callbackBody(callback).tokenId).toBe(on.id);
      expect(callback.receivedAt).toBeGreaterThanOrEqual(
        ms(enabled.body.autoRenewal.nextRenewalAt) - CLOCK_SLACK_MS,
      );

      // Proving an absence: the switched-off token was due at offDueAt; wait as long again past it.
      await letTimePass(offDueAt + 2 * TIMINGS.day - Date.now());
      expect(hook.callbacksFor(off.id)).toEqual([]);
      expect(await rig.renewals(tenant.owner, off.id)).toEqual([]);
      await rig.revoke(tenant.owner, on.id);
    });
  });

  describe('redeeming', () => {
    it('refuses malformed (400), unknown (404) and used (409) keys, without naming the token', async () => {
      for (const key of ['not-a-key', 'lkr_short', `lkr_${'a'.repeat(42)}!`, generateToken().token]) {
        const res = await rig.redeem({ key });
        expect({ key, status: res.status, code: res.body.code }).toEqual({
          key,
          status: 400,
          code: 'RENEWAL_KEY_MALFORMED',
        });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      for (const body of [{}, { key: 42 }]) {
        expect((await rig.redeem(body)).status).toBe(400);
      }
      const unknown = await rig.redeem({ key: `lkr_${randomBytes(32).toString('base64url')}` });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('RENEWAL_KEY_UNKNOWN');

      const tenant = await rig.tenant('redeem-errors');
      const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
      const token = await rig.createToken(tenant.owner, {
        name: 'redeemed-once',
        autoRenewal: { everyDays: 1, callbackUrl: hook.url },
      });
      const { key } = callbackBody(await hook.nthCallback(1, token.id));
      const renewed = await rig.redeemed(key);
      const used = await rig.redeem({ key });
      expect(used.status).toBe(409);
      expect(used.body.code).toBe('RENEWAL_KEY_USED');
      const answer = JSON.stringify(used.body);
      expect(answer).not.toContain(token.id);
      expect(answer).not.toContain(renewed.id);
      expect(answer).not.toContain(tenant.id);
      expect(answer).not.toContain(renewed.token);
    });

    it('lists renewals to the tenant only (404 for another tenant, 401 without sign-in)', async () => {
      const tenant = await rig.tenant('listing');
      const token = await rig.createToken(tenant.owner, { name: 'listed' });
      expect(await rig.renewals(tenant.owner, token.id)).toEqual([]);
      const other = await rig.tenant('listing-other', { signingSecret: false });
      expect(
        (await issuer().get(`/v1/tokens/${token.id}/renewals`).set('Authorization', other.owner)).status,
      ).toBe(404);
      expect((await issuer().get(`/v1/tokens/${token.id}/renewals`)).status).toBe(401);
    });
  });
});
