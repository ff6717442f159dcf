import { Client } from 'pg';
import request from 'supertest';
import { EventType, type LatchkeyEvent, Topic } from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';
import { EventTap } from './support/event-tap';
import { expectStatus, letTimePass, RenewalRig } from './support/renewals';
import { type ReceivedMail, secretsIn } from './support/smtp-sink';

/** One "day" of the idle policy and of expiry reminders. */
const DAY_MS = 1_000;
/** The worker's schedule of idle sweeps. */
const SWEEP_INTERVAL_MS = 400;

/**
 * Issue 14 on real services: the tenant's idle policy warns the owner and the technical owner by mail,
 * then revokes an unused token with reason `idle` (a use in between cancels it), safely when sweeps meet;
 * expiry notices on the tenant's own reminder days, announced once each as TokenExpiring beside the mail.
 * Days are shortened to one second (IDLE_POLICY_DAY_MS, REMINDER_DAY_MS); idleness is set in the database.
 */
describe('idle policy and expiry notices (issue 14)', () => {
  let rig: RenewalRig;
  let tap: EventTap;
  let db: Client;
  const issuer = () => request(rig.system.issuer.url);
  const internal = () => request(rig.system.issuerInternalUrl);
  const internalAuth = () => `Bearer ${rig.system.env.INTERNAL_API_SECRET ?? ''}`;

  beforeAll(async () => {
    rig = await RenewalRig.start({
      IDLE_POLICY_DAY_MS: String(DAY_MS),
      IDLE_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
      REMINDER_DAY_MS: String(DAY_MS),
    });
    tap = await EventTap.start(Topic.TokenLifecycle);
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await tap?.stop();
    await rig?.close();
  });

  const setPolicy = async (auth: string, body: Record<string, unknown>) => {
    const res = await issuer().patch('/v1/tenant/policy').set('Authorization', auth).send(body);
    expectStatus(res, 200, 'PATCH /v1/tenant/policy');
    return res.body as Record<string, unknown>;
  };
  /** Makes the token look unused for `days` days (its last use, or creation when `never` is set). */
  const idleFor = async (tokenIds: string[], days: number) => {
    await db.query(
      `UPDATE tokens SET last_used_at = now() - ($2::double precision * interval '1 millisecond')
       WHERE id = ANY($1::uuid[])`,
      [tokenIds, days * DAY_MS],
    );
  };
  const eventsOf = <T extends EventType>(tenantId: string, type: T, tokenId?: string) =>
    tap.events.filter(
      (e): e is Extract<LatchkeyEvent, { type: T }> =>
        e.tenantId === tenantId && e.type === type && (tokenId === undefined || e.subject === tokenId),
    );
  const sweep = async () => {
    const res = await internal()
      .post('/internal/v1/idle-tokens/sweeps')
      .set('Authorization', internalAuth())
      .send({});
    expectStatus(res, 200, 'POST /internal/v1/idle-tokens/sweeps');
    return res.body as { warned: string[]; revoked: string[] };
  };
  const status = async (auth: string, id: string) => (await rig.token(auth, id)).status;

  describe('the policy', () => {
    it('is off by default, set by owners only, validated and audited', async () => {
      const tenant = await rig.tenant('idle-policy', { signingSecret: false });
      const policy = await issuer().get('/v1/tenant/policy').set('Authorization', tenant.owner).expect(200);
      expect(policy.body).toMatchObject({
        idleRevokeAfterDays: null,
        idleWarningDays: 7,
        expiryReminderDays: null,
      });
      const admin = await rig.system.adminAuth({ tenantId: tenant.id, userId: 'ada', role: 'admin' });
      const refused = await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', admin)
        .send({ idleRevokeAfterDays: 90 });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('FORBIDDEN_ROLE');

      for (const body of [
        { idleRevokeAfterDays: 1 },
        { idleRevokeAfterDays: 90.5 },
        { idleRevokeAfterDays: '90' },
        { idleWarningDays: 0 },
        { idleWarningDays: null },
        { expiryReminderDays: [30, 30] },
        { expiryReminderDays: [-1] },
        { expiryReminderDays: [1.5] },
        { expiryReminderDays: [366] },
        { expiryReminderDays: [1, 2, 3, 4, 5, 6, 7] },
        { expiryReminderDays: '30,7' },
      ]) {
        const res = await issuer().patch('/v1/tenant/policy').set('Authorization', tenant.owner).send(body);
        expect([JSON.stringify(body), res.status, res.headers['content-type']]).toEqual([
          JSON.stringify(body),
          400,
          expect.stringContaining('application/problem+json'),
        ]);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const tooLong = await issuer()
        .patch('/v1/tenant/policy')
        .set('Authorization', tenant.owner)
        .send({ idleRevokeAfterDays: 7, idleWarningDays: 7 });
      expect(tooLong.status).toBe(422);
      expect(tooLong.body.code).toBe('IDLE_WARNING_TOO_LONG');

      expect(
        await setPolicy(tenant.owner, { idleRevokeAfterDays: 90, expiryReminderDays: [7, 60, 30] }),
      ).toMatchObject({ idleRevokeAfterDays: 90, idleWarningDays: 7, expiryReminderDays: [60, 30, 7] });
      const audit = await waitFor(
        async () => {
          const res = await issuer()
            .get('/v1/audit-events')
            .query({ type: 'tenant.policy_changed' })
            .set('Authorization', tenant.owner);
          const items = (res.body as { items: { details: Record<string, unknown> }[] }).items ?? [];
          return items.length > 0 ? items : undefined;
        },
        { timeoutMs: 20_000, what: 'the policy change in the audit log' },
      );
      expect(audit[0].details).toMatchObject({
        changes: { idleRevokeAfterDays: 90, expiryReminderDays: [60, 30, 7] },
        previous: { idleRevokeAfterDays: null, expiryReminderDays: null },
      });
    });
  });

  describe('idle tokens', () => {
    it('warns the owner and the technical owner, then revokes with reason idle, audited', async () => {
      const tenant = await rig.tenant('idle-revoke', { signingSecret: false });
      // 30 "days" of 1 s: the tokens created here do not become idle on their own during the test.
      await setPolicy(tenant.owner, { idleRevokeAfterDays: 30, idleWarningDays: 2 });
      const techOwner = `platform@${tenant.id}.test`;
      const token = await rig.createToken(tenant.owner, {
        name: 'forgotten-export',
        technicalOwner: { email: techOwner, name: 'Platform team' },
      });
      const kept = await rig.createToken(tenant.owner, { name: 'busy-service' });
      // Unused for 29 of 30 days: past the warning point (28 days), revoked 2 days after the warning.
      await idleFor([token.id], 29);
      const about = (mail: ReceivedMail) => mail.text.includes('forgotten-export');

      const ownerMail = await rig.sink.nthTo(1, tenant.ownerEmail, about, 15_000);
      const techMail = await rig.sink.nthTo(1, techOwner, about, 15_000);
      const warning = await waitFor(() => eventsOf(tenant.id, EventType.TokenIdleWarning, token.id)[0], {
        what: 'TokenIdleWarning',
      });
      expect(warning.data).toMatchObject({ tokenId: token.id, idleRevokeAfterDays: 30, ownerId: 'owner' });
      const revokeAt = Date.parse(warning.data.revokeAt);
      expect(revokeAt - Date.parse(warning.time)).toBeGreaterThanOrEqual(2 * DAY_MS);
      for (const mail of [ownerMail, techMail]) {
        expect(mail.subject).toMatch(/will be revoked/);
        expect(mail.text).toContain('not been used since');
        expect(mail.text).toContain(`/console/tokens/${token.id}`);
        expect(secretsIn(mail, [token.token, kept.token])).toEqual([]);
      }
      expect(techMail.text).toContain('Hello Platform team,');
      expect(await status(tenant.owner, token.id)).toBe('active');

      const revoked = await waitFor(() => eventsOf(tenant.id, EventType.TokenRevoked, token.id)[0], {
        timeoutMs: 15_000,
        what: 'the idle revocation',
      });
      expect(Date.parse(revoked.data.revokedAt)).toBeGreaterThanOrEqual(revokeAt);
      expect(revoked.data).toMatchObject({
        tokenId: token.id,
        reason: 'idle',
        revokedBy: 'system:idle-policy',
        ownerId: 'owner',
        technicalOwner: { email: techOwner, name: 'Platform team' },
      });
      expect(await status(tenant.owner, token.id)).toBe('revoked');
      expect((await rig.system.verifyHttp(token.token).expect(200)).body).toMatchObject({
        valid: false,
        reason: 'REVOKED',
      });
      // Both are told of the revocation, and why.
      const ownerRevoked = await rig.sink.nthTo(2, tenant.ownerEmail, about, 15_000);
      const techRevoked = await rig.sink.nthTo(2, techOwner, about, 15_000);
      for (const mail of [ownerRevoked, techRevoked]) {
        expect(mail.subject).toMatch(/revoked/);
        expect(mail.text).toContain('revoked automatically');
      }
      const audit = await waitFor(
        async () => {
          const res = await issuer()
            .get('/v1/audit-events')
            .query({ tokenId: token.id })
            .set('Authorization', tenant.owner);
          const items = (res.body as { items: { type: string; actorId: string | null }[] }).items ?? [];
          return items.some((item) => item.type === 'token.revoked') ? items : undefined;
        },
        { timeoutMs: 20_000, what: 'the idle revocation in the audit log' },
      );
      expect(audit.filter((item) => item.type === 'token.idle_warning')).toEqual([
        expect.objectContaining({ actorId: null }),
      ]);
      expect(audit.filter((item) => item.type === 'token.revoked')).toEqual([
        expect.objectContaining({ actorId: 'system:idle-policy' }),
      ]);

      // Sweeps go on: still one warning, one revocation and two mails to each, and the used token lives.
      await letTimePass(3 * SWEEP_INTERVAL_MS);
      expect(eventsOf(tenant.id, EventType.TokenIdleWarning)).toHaveLength(1);
      expect(eventsOf(tenant.id, EventType.TokenRevoked)).toHaveLength(1);
      expect(rig.sink.mailsTo(tenant.ownerEmail).filter(about)).toHaveLength(2);
      expect(rig.sink.mailsTo(techOwner).filter(about)).toHaveLength(2);
      expect(await status(tenant.owner, kept.id)).toBe('active');
    });

    it('cancels the revocation when the token is used after the warning', async () => {
      const tenant = await rig.tenant('idle-used', { signingSecret: false });
      await setPolicy(tenant.owner, { idleRevokeAfterDays: 12, idleWarningDays: 3 });
      const token = await rig.createToken(tenant.owner, { name: 'quarterly-job' });
      await idleFor([token.id], 10);
      const about = (mail: ReceivedMail) => mail.text.includes('quarterly-job');
      await rig.sink.nthTo(1, tenant.ownerEmail, about, 15_000);
      const warning = await waitFor(() => eventsOf(tenant.id, EventType.TokenIdleWarning, token.id)[0], {
        what: 'TokenIdleWarning',
      });
      const revokeAt = Date.parse(warning.data.revokeAt);

      // A real use, through the verifier; its usage summary reaches the issuer.
      const usedAt = Date.now();
      expect((await rig.system.verifyHttp(token.token).expect(200)).body).toMatchObject({ valid: true });
      await waitFor(
        async () => {
          const { rows } = await db.query<{ last_used_at: Date | null }>(
            'SELECT last_used_at FROM tokens WHERE id = $1',
            [token.id],
          );
          const lastUsed = rows[0]?.last_used_at?.getTime() ?? 0;
          return lastUsed >= usedAt - 1_000 ? lastUsed : undefined;
        },
        { timeoutMs: 10_000, what: 'the use to reach the issuer' },
      );
      expect(Date.now()).toBeLessThan(revokeAt);
      // Past the warned revocation time, with sweeps running: the token lives, and no new warning
      // (the next one is due 9 "days" after the use).
      await letTimePass(revokeAt - Date.now() + 3 * SWEEP_INTERVAL_MS);
      expect(await status(tenant.owner, token.id)).toBe('active');
      expect(eventsOf(tenant.id, EventType.TokenRevoked)).toEqual([]);
      expect(eventsOf(tenant.id, EventType.TokenIdleWarning)).toHaveLength(1);
      await rig.revoke(tenant.owner, token.id);
    });

    it('warns and revokes each token once when sweeps run at once', async () => {
      const tenant = await rig.tenant('idle-race', { signingSecret: false });
      // A long idle period: the scheduled sweeps see nothing due until the tokens are made idle below.
      await setPolicy(tenant.owner, { idleRevokeAfterDays: 3000, idleWarningDays: 300 });
      const tokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) => rig.createToken(tenant.owner, { name: `race-${i}` })),
      );
      const ids = tokens.map((token) => token.id);
      // Due for a warning (past 2700 days) but not yet for revocation; then many sweeps at once.
      await idleFor(ids, 2800);
      const warnRuns = await Promise.all(Array.from({ length: 20 }, () => sweep()));
      const warnedByUs = warnRuns.flatMap((run) => run.warned).filter((id) => ids.includes(id));
      expect(new Set(warnedByUs).size).toBe(warnedByUs.length);
      await waitFor(() => (eventsOf(tenant.id, EventType.TokenIdleWarning).length >= 20 ? true : undefined), {
        timeoutMs: 15_000,
        what: 'a warning for each token',
      });
      await waitFor(() => (rig.sink.mailsTo(tenant.ownerEmail).length >= 20 ? true : undefined), {
        timeoutMs: 20_000,
        what: 'a warning mail for each token',
      });

      // Now past the revocation: the warning 300 "days" old, the last use 3001 "days".
      await idleFor(ids, 3001);
      await db.query(
        `UPDATE tokens SET idle_warned_at = now() - interval '1 millisecond' * $2 WHERE id = ANY($1::uuid[])`,
        [ids, 300 * DAY_MS],
      );
      const revokeRuns = await Promise.all(Array.from({ length: 20 }, () => sweep()));
      const revokedByUs = revokeRuns.flatMap((run) => run.revoked).filter((id) => ids.includes(id));
      expect(new Set(revokedByUs).size).toBe(revokedByUs.length);
      await waitFor(() => (eventsOf(tenant.id, EventType.TokenRevoked).length >= 20 ? true : undefined), {
        timeoutMs: 15_000,
        what: 'a revocation of each token',
      });
      await letTimePass(3 * SWEEP_INTERVAL_MS);
      const perToken = (type: EventType) =>
        ids.map(
          (id) =>
            tap.events.filter((e) => e.tenantId === tenant.id && e.type === type && e.subject === id).length,
        );
      expect(perToken(EventType.TokenIdleWarning)).toEqual(ids.map(() => 1));
      expect(perToken(EventType.TokenRevoked)).toEqual(ids.map(() => 1));
      const warningMails = rig.sink
        .mailsTo(tenant.ownerEmail)
        .filter((mail) => /will be revoked/.test(mail.subject));
      expect(warningMails).toHaveLength(20);
      const { rows } = await db.query<{ status: string; revoked_by: string }>(
        `SELECT status, revoked_by FROM tokens WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      expect(rows.map((row) => `${row.status} ${row.revoked_by}`)).toEqual(
        ids.map(() => 'revoked system:idle-policy'),
      );
    });
  });

  describe('expiry notices', () => {
    it("plans a token's reminders again when its tenant changes its reminder days", async () => {
      const tenant = await rig.tenant('replan', { signingSecret: false });
      // Expiry three quarters into a "day" whose start is 5.5–6.5 s ahead: with the default days
      // (30, 7, 0) only the same-day reminder lies ahead (7 days before is 0.5–1.5 s past), while the
      // tenant's days 3 and 1 fall 2.5 s or more after its change.
      const expiresAt = new Date(
        Math.floor((Date.now() + 6_500) / DAY_MS) * DAY_MS + 0.75 * DAY_MS,
      ).toISOString();
      const token = await rig.createToken(tenant.owner, { name: 'replanned', expiresAt });
      // Its reminders are planned at once (a job run on creation); then the tenant chooses its days.
      await letTimePass(500);
      await setPolicy(tenant.owner, { expiryReminderDays: [3, 1] });
      const about = (mail: ReceivedMail) => mail.text.includes('replanned');

      expect((await rig.sink.nthTo(1, tenant.ownerEmail, about, 15_000)).subject).toMatch(/in 3 days/);
      expect((await rig.sink.nthTo(2, tenant.ownerEmail, about, 15_000)).subject).toMatch(/in 1 day\b/);
      // The same-day reminder planned with the default days is skipped: 0 is not one of the tenant's days.
      await letTimePass(Date.parse(expiresAt) - Date.now() + 1_000);
      expect(rig.sink.mailsTo(tenant.ownerEmail).filter(about)).toHaveLength(2);
      expect(eventsOf(tenant.id, EventType.TokenExpiring, token.id).map((e) => e.data.daysBefore)).toEqual([
        3, 1,
      ]);
    });

    it("announces TokenExpiring once per reminder day of the tenant's, beside the mail", async () => {
      const tenant = await rig.tenant('expiring', { signingSecret: false });
      await setPolicy(tenant.owner, { expiryReminderDays: [1, 3] });
      // Expiry three quarters into a "day", about 5 s ahead: reminders at the start of its day 3 and 1 days before.
      const expiresAt = new Date(
        Math.floor((Date.now() + 5_000) / DAY_MS) * DAY_MS + 0.75 * DAY_MS,
      ).toISOString();
      const token = await rig.createToken(tenant.owner, { name: 'short-lived', expiresAt });
      const about = (mail: ReceivedMail) => mail.text.includes('short-lived');

      const first = await rig.sink.nthTo(1, tenant.ownerEmail, about, 15_000);
      const second = await rig.sink.nthTo(2, tenant.ownerEmail, about, 15_000);
      expect(first.subject).toMatch(/expires in 3 days/);
      expect(second.subject).toMatch(/expires in 1 day\b/);
      const expiring = eventsOf(tenant.id, EventType.TokenExpiring, token.id);
      expect(expiring.map((e) => e.data)).toEqual([
        {
          tokenId: token.id,
          expiresAt: token.expiresAt,
          daysBefore: 3,
          ownerId: 'owner',
          technicalOwner: null,
        },
        {
          tokenId: token.id,
          expiresAt: token.expiresAt,
          daysBefore: 1,
          ownerId: 'owner',
          technicalOwner: null,
        },
      ]);

      // The worker asking again, many at once (a retry, a second worker): announced already, once.
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          internal()
            .post(`/internal/v1/tokens/${token.id}/expiry-notices`)
            .set('Authorization', internalAuth())
            .send({ expiresAt: token.expiresAt, daysBefore: 1 }),
        ),
      );
      expect(answers.map((res) => `${res.status} ${(res.body as { outcome: string }).outcome}`)).toEqual(
        answers.map(() => '200 already-recorded'),
      );
      // A day that is not the tenant's is not announced.
      const other = await internal()
        .post(`/internal/v1/tokens/${token.id}/expiry-notices`)
        .set('Authorization', internalAuth())
        .send({ expiresAt: token.expiresAt, daysBefore: 30 });
      expect([other.status, other.body.outcome]).toEqual([200, 'not-applicable']);
      const bad = await internal()
        .post(`/internal/v1/tokens/${token.id}/expiry-notices`)
        .set('Authorization', internalAuth())
        .send({ expiresAt: 'soon', daysBefore: -1 });
      expect(bad.status).toBe(400);

      // Past the expiry: no 0-day reminder (not one of the tenant's days), nothing announced twice.
      await letTimePass(Date.parse(expiresAt) - Date.now() + 1_000);
      expect(rig.sink.mailsTo(tenant.ownerEmail).filter(about)).toHaveLength(2);
      expect(eventsOf(tenant.id, EventType.TokenExpiring, token.id)).toHaveLength(2);
      const audit = await issuer()
        .get('/v1/audit-events')
        .query({ type: 'token.expiring' })
        .set('Authorization', tenant.owner)
        .expect(200);
      expect((audit.body as { items: unknown[] }).items).toHaveLength(2);
    });
  });
});
