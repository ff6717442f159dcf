import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { waitFor, withClient } from '@latchkey/testing';
import { secretsIn, SmtpSink } from './support/smtp-sink';
import { startSystem, type RunningSystem } from './support/system';

const MAIL_FROM_ADDRESS = 'latchkey@mail.e2e.test';

interface Created {
  id: string;
  token: string;
}

/**
 * Recoverable tokens, opt-in per tenant (seed 003: "In the detail view below the token, click on
 * Copy"), on real services: off by default; once an owner turns it on, new tokens (and successors) are
 * kept encrypted and their owner can reveal them after a fresh sign-in; every reveal is audited and
 * mailed; turning it off deletes every kept copy.
 */
describe('recoverable tokens', () => {
  let system: RunningSystem;
  let sink: SmtpSink;
  let tenants = 0;

  const issuer = () => request(system.issuer.url);
  const databaseUrl = () => system.env.DATABASE_URL ?? '';

  beforeAll(async () => {
    sink = await SmtpSink.start();
    try {
      system = await startSystem({
        env: {
          SMTP_URL: sink.url,
          MAIL_FROM: `Latchkey <${MAIL_FROM_ADDRESS}>`,
          TOKEN_RECOVERY_KEY: randomBytes(32).toString('base64'),
          TOKEN_RECOVERY_KEY_ID: 'e2e1',
        },
      });
    } catch (error) {
      await sink.close();
      throw error;
    }
  });

  afterAll(async () => {
    await system?.close();
    await sink?.close();
  });

  /** A fresh tenant: its owner signed in just now (`fresh`), the same owner signed in long ago, an admin. */
  async function tenant(label: string) {
    const id = `recover-${label}-${++tenants}-${randomBytes(4).toString('hex')}`;
    const ownerEmail = `olga@${id}.test`;
    const owner = { tenantId: id, userId: 'olga', role: 'owner' as const, email: ownerEmail };
    return {
      id,
      ownerEmail,
      fresh: await system.adminAuth({ ...owner, authTime: 'now' }),
      stale: await system.adminAuth({ ...owner, authTime: Math.floor(Date.now() / 1000) - 301 }),
      noAuthTime: await system.adminAuth(owner),
      admin: await system.adminAuth({ tenantId: id, userId: 'adam', role: 'admin', authTime: 'now' }),
    };
  }

  const setPolicy = async (auth: string, recoverableTokens: boolean) => {
    const res = await issuer()
      .patch('/v1/tenant/policy')
      .set('Authorization', auth)
      .send({ recoverableTokens });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ recoverableTokens });
  };

  const create = async (auth: string, name: string): Promise<Created> => {
    const res = await issuer().post('/v1/tokens').set('Authorization', auth).send({ name, expiresIn: '30d' });
    expect(res.status).toBe(201);
    return res.body as Created;
  };

  const reveal = (auth: string, id: string) =>
    issuer().post(`/v1/tokens/${id}/reveal`).set('Authorization', auth).send();

  const keptCopies = (tenantId: string) =>
    withClient(databaseUrl(), async (client) => {
      const { rows } = await client.query<{ token_id: string; ciphertext: string }>(
        'SELECT token_id, ciphertext FROM recoverable_tokens WHERE tenant_id = $1',
        [tenantId],
      );
      return rows;
    });

  const expectProblem = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(res.body)).not.toMatch(/lk_[A-Za-z0-9]/);
  };

  it('is off by default: a token is shown once and never revealed (409), an unknown id is 404', async () => {
    const t = await tenant('default');
    const policy = await issuer().get('/v1/tenant/policy').set('Authorization', t.fresh).expect(200);
    expect(policy.body).toMatchObject({ recoverableTokens: false });

    const token = await create(t.fresh, 'shown-once');
    expectProblem(await reveal(t.fresh, token.id), 409, 'TOKEN_NOT_RECOVERABLE');
    expectProblem(await reveal(t.fresh, '00000000-0000-4000-8000-000000000000'), 404, 'TOKEN_NOT_FOUND');
    expect(await keptCopies(t.id)).toEqual([]);
  });

  it('reveals a recoverable token to its owner after a fresh sign-in: the same plaintext, which verifies', async () => {
    const t = await tenant('reveal');
    await setPolicy(t.fresh, true);
    const token = await create(t.fresh, 'deploy-bot');

    // Kept encrypted, under the configured key id, never in plaintext.
    const copies = await keptCopies(t.id);
    expect(copies.map((c) => c.token_id)).toEqual([token.id]);
    expect(copies[0]?.ciphertext.startsWith('e2e1:')).toBe(true);
    expect(copies[0]?.ciphertext).not.toContain(token.token);

    const res = await reveal(t.fresh, token.id);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ id: token.id, token: token.token });
    const verdict = await system.verifyHttp((res.body as Created).token);
    expect((verdict.body as { reason: string }).reason).toBe('OK');

    // Audited, with who revealed it and which token.
    const audit = await waitFor(
      async () => {
        const page = await issuer()
          .get('/v1/audit-events')
          .query({ type: 'token.revealed' })
          .set('Authorization', t.fresh)
          .expect(200);
        const items = (page.body as { items: Array<Record<string, unknown>> }).items;
        return items.length > 0 ? items : undefined;
      },
      { timeoutMs: 30_000, what: 'the reveal in the audit log' },
    );
    expect(audit[0]).toMatchObject({ type: 'token.revealed', actorId: 'olga', tokenId: token.id });
    expect(JSON.stringify(audit)).not.toContain(token.token);

    // Mailed to the owner, without the token.
    const mail = await sink.nthTo(1, t.ownerEmail, (m) => /revealed/i.test(m.subject));
    expect(mail.from).toBe(MAIL_FROM_ADDRESS);
    expect(mail.text).toContain('deploy-bot');
    expect(mail.text).toContain(token.id);
    expect(secretsIn(mail, [token.token])).toEqual([]);
  });

  it('refuses a sign-in older than 5 minutes, or one without auth_time (401 FRESH_SIGN_IN_REQUIRED)', async () => {
    const t = await tenant('stale');
    await setPolicy(t.fresh, true);
    const token = await create(t.fresh, 'stale-session');
    expectProblem(await reveal(t.stale, token.id), 401, 'FRESH_SIGN_IN_REQUIRED');
    expectProblem(await reveal(t.noAuthTime, token.id), 401, 'FRESH_SIGN_IN_REQUIRED');
  });

  it('refuses anyone but the owner, an admin who sees the token included (403 NOT_TOKEN_OWNER)', async () => {
    const t = await tenant('other');
    await setPolicy(t.fresh, true);
    const token = await create(t.fresh, 'olgas-token');
    await issuer().get(`/v1/tokens/${token.id}`).set('Authorization', t.admin).expect(200);
    expectProblem(await reveal(t.admin, token.id), 403, 'NOT_TOKEN_OWNER');
    // Another tenant's owner does not even see it.
    const stranger = await tenant('stranger');
    expectProblem(await reveal(stranger.fresh, token.id), 404, 'TOKEN_NOT_FOUND');
  });

  it('keeps the successor of a rotation recoverable, and no longer reveals a revoked token (409)', async () => {
    const t = await tenant('rotate');
    await setPolicy(t.fresh, true);
    const token = await create(t.fresh, 'rotating');
    const rotated = await issuer()
      .post(`/v1/tokens/${token.id}/rotate`)
      .set('Authorization', t.fresh)
      .send({ oldTokenExpiresIn: 'now' });
    expect(rotated.status).toBe(201);
    const successor = rotated.body as Created;
    expect((await reveal(t.fresh, successor.id)).body).toMatchObject({ token: successor.token });
    // The rotated-out token ended now: expired, not revealed.
    expectProblem(await reveal(t.fresh, token.id), 409, 'TOKEN_EXPIRED');

    await issuer().post(`/v1/tokens/${successor.id}/revoke`).set('Authorization', t.fresh).expect(200);
    expectProblem(await reveal(t.fresh, successor.id), 409, 'TOKEN_REVOKED');
  });

  it('deletes every kept copy when the owner turns it off; nothing is revealed any more', async () => {
    const t = await tenant('off');
    await setPolicy(t.fresh, true);
    const first = await create(t.fresh, 'first');
    const second = await create(t.fresh, 'second');
    expect((await keptCopies(t.id)).map((c) => c.token_id).sort()).toEqual([first.id, second.id].sort());

    await setPolicy(t.fresh, false);
    expect(await keptCopies(t.id)).toEqual([]);
    expectProblem(await reveal(t.fresh, first.id), 409, 'TOKEN_NOT_RECOVERABLE');

    // Tokens issued while it is off are not kept, even after it is turned on again.
    const third = await create(t.fresh, 'third');
    await setPolicy(t.fresh, true);
    expectProblem(await reveal(t.fresh, third.id), 409, 'TOKEN_NOT_RECOVERABLE');
    expect(await keptCopies(t.id)).toEqual([]);
  });
});
