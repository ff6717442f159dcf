import { waitFor, withClient } from '@latchkey/testing';
import request from 'supertest';
import type { CallbackEndpoint } from './support/callback-receiver';
import {
  callbackBody,
  type CreatedToken,
  expectStatus,
  RenewalRig,
  type TestTenant,
} from './support/renewals';

/*
 * The issuer under the bursts a busy tenant produces: many renewal keys redeemed at once, one key
 * redeemed many times at once, many callbacks falling due together, concurrent rotations of one token.
 * Everything answers within seconds, exactly one caller wins each race, a revocation is never held up,
 * and no connection is left idle inside a transaction afterwards.
 */

/** Keys stay redeemable for the whole test: the bursts, not the window, are under test here. */
const LONG_WINDOW_MS = 120_000;

/** How long any request of a burst may take on a 2-core machine running the whole stack. */
const BURST_LATENCY_LIMIT_MS = 10_000;

interface Timed {
  status: number;
  code: string | undefined;
  ms: number;
}

/** One request with its answer time; a request with no answer within the limit counts as status 0. */
async function timed(call: () => request.Test): Promise<Timed> {
  const started = Date.now();
  try {
    const res = await call().timeout(BURST_LATENCY_LIMIT_MS);
    return { status: res.status, code: (res.body as { code?: string }).code, ms: Date.now() - started };
  } catch {
    return { status: 0, code: 'NO_ANSWER', ms: Date.now() - started };
  }
}

/** Runs `work` over `items`, `parallel` at a time (set-up only: the bursts themselves fire all at once). */
async function inBatches<T, R>(items: T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += parallel) {
    results.push(...(await Promise.all(items.slice(i, i + parallel).map(work))));
  }
  return results;
}

describe('the issuer under concurrent renewals, redeems and rotations', () => {
  let rig: RenewalRig;

  beforeAll(async () => {
    rig = await RenewalRig.start({ RENEWAL_REDEEM_WINDOW_MS: String(LONG_WINDOW_MS) });
  });

  afterAll(async () => {
    await rig?.close();
  });

  const issuer = () => request(rig.system.issuer.url);

  /** `count` tokens renewing every (1.5 s) "day", calling back `hook`. */
  function renewingTokens(
    tenant: TestTenant,
    hook: CallbackEndpoint,
    count: number,
  ): Promise<CreatedToken[]> {
    const names = Array.from({ length: count }, (_, i) => `burst-${i}`);
    return inBatches(names, 10, (name) =>
      rig.createToken(tenant.owner, {
        name,
        expiresIn: '90d',
        autoRenewal: { everyDays: 1, callbackUrl: hook.url },
      }),
    );
  }

  /** The redeem key of each token's first callback, once every one has arrived. */
  function firstKeys(hook: CallbackEndpoint, tokens: CreatedToken[]): Promise<string[]> {
    return Promise.all(tokens.map(async (t) => callbackBody(await hook.nthCallback(1, t.id, 60_000)).key));
  }

  /** The issuer's connections of this run left `idle in transaction`. */
  async function idleInTransaction(): Promise<number> {
    const url = process.env.DATABASE_URL ?? '';
    const rows = await withClient(url, async (client) => {
      const result = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name LIKE 'latchkey-issuer%'
            AND state LIKE 'idle in transaction%'`,
      );
      return result.rows;
    });
    return rows[0].n;
  }

  it('redeems 50 different keys at once: every one once, within seconds, while a revoke answers in under a second', async () => {
    const tenant = await rig.tenant('burst');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const tokens = await renewingTokens(tenant, hook, 50);
    const keys = await firstKeys(hook, tokens);
    const bystander = await rig.createToken(tenant.owner, { name: 'bystander', expiresIn: '30d' });

    const burst = Promise.all(keys.map((key) => timed(() => rig.redeem({ key }))));
    // The revoke goes out while the 50 redeems are in flight.
    const revoke = timed(() =>
      issuer().post(`/v1/tokens/${bystander.id}/revoke`).set('Authorization', tenant.owner),
    );
    const [answers, revoked] = await Promise.all([burst, revoke]);

    process.stderr.write(
      `[burst] 50 redeems: slowest ${Math.max(...answers.map((a) => a.ms))} ms; revoke during it: ${revoked.ms} ms\n`,
    );
    expect(answers.map((a) => a.status)).toEqual(keys.map(() => 201));
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(BURST_LATENCY_LIMIT_MS);
    expect(revoked.status).toBe(200);
    expect(revoked.ms).toBeLessThan(1_000);
    expect(await rig.verdict(bystander.token)).toBe('REVOKED');

    // Each key bought exactly one successor.
    const successors = await withClient(process.env.DATABASE_URL ?? '', (client) =>
      client.query<{ n: number; olds: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT replaces_token_id)::int AS olds FROM tokens WHERE replaces_token_id = ANY($1)',
        [tokens.map((t) => t.id)],
      ),
    );
    expect(successors.rows[0]).toEqual({ n: 50, olds: 50 });
    const again = await timed(() => rig.redeem({ key: keys[0] }));
    expect(again).toMatchObject({ status: 409, code: 'RENEWAL_KEY_USED' });
    await waitFor(async () => ((await idleInTransaction()) === 0 ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 250,
      what: 'no issuer connection idle in a transaction',
    });
  });

  it('redeems one key 20 times at once: exactly one 201, the others 409 RENEWAL_KEY_USED, all within seconds', async () => {
    const tenant = await rig.tenant('one-key');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const [token] = await renewingTokens(tenant, hook, 1);
    const [key] = await firstKeys(hook, [token]);

    const answers = await Promise.all(Array.from({ length: 20 }, () => timed(() => rig.redeem({ key }))));

    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const others = answers.filter((a) => a.status !== 201);
    expect(others).toHaveLength(19);
    for (const other of others) expect(other).toMatchObject({ status: 409, code: 'RENEWAL_KEY_USED' });
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(BURST_LATENCY_LIMIT_MS);

    const lineage = await withClient(process.env.DATABASE_URL ?? '', (client) =>
      client.query('SELECT id FROM tokens WHERE replaces_token_id = $1', [token.id]),
    );
    expect(lineage.rowCount).toBe(1);
    await waitFor(async () => ((await idleInTransaction()) === 0 ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 250,
      what: 'no issuer connection idle in a transaction',
    });
  });

  it('delivers 30 callbacks falling due together to a slow receiver, and every key redeems', async () => {
    const tenant = await rig.tenant('slow');
    // Slower than the worker's pace, faster than its callback timeout: the worker's jobs pile up.
    const hook = rig.receiver
      .endpoint(`/hooks/${tenant.id}`)
      .trust(tenant.secret)
      .respondWith({ status: 200, delayMs: 700 });
    const tokens = await renewingTokens(tenant, hook, 30);
    const keys = await firstKeys(hook, tokens);
    expect(new Set(keys).size).toBe(30);

    for (const token of tokens) {
      const [offer] = await rig.renewals(tenant.owner, token.id);
      await rig.offer(tenant.owner, token.id, offer.id, (o) => o.deliveredAt !== null, 'a delivered offer');
    }
    const answers = await Promise.all(keys.map((key) => timed(() => rig.redeem({ key }))));
    expect(answers.map((a) => a.status)).toEqual(keys.map(() => 201));
  });

  it('lets exactly one of 20 simultaneous rotations of a token win; the others answer 409 TOKEN_REPLACED', async () => {
    const tenant = await rig.tenant('rotations');
    const token = await rig.createToken(tenant.owner, { name: 'rotated', expiresIn: '90d' });

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        timed(() =>
          issuer()
            .post(`/v1/tokens/${token.id}/rotate`)
            .set('Authorization', tenant.owner)
            .send({ oldTokenExpiresIn: '1h' }),
        ),
      ),
    );

    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const other of answers.filter((a) => a.status !== 201)) {
      expect(other).toMatchObject({ status: 409, code: 'TOKEN_REPLACED' });
    }
    const successors = await withClient(process.env.DATABASE_URL ?? '', (client) =>
      client.query('SELECT id FROM tokens WHERE replaces_token_id = $1', [token.id]),
    );
    expect(successors.rowCount).toBe(1);
  });

  it('refuses to renew or rotate a token whose auto-renewal key was redeemed (409 TOKEN_REPLACED)', async () => {
    const tenant = await rig.tenant('replaced');
    const hook = rig.receiver.endpoint(`/hooks/${tenant.id}`).trust(tenant.secret);
    const [old] = await renewingTokens(tenant, hook, 1);
    const [key] = await firstKeys(hook, [old]);
    const renewed = await rig.redeemed(key);

    const renew = await issuer()
      .post(`/v1/tokens/${old.id}/renew`)
      .set('Authorization', tenant.owner)
      .send({ name: 'second-successor', oldTokenEndsAt: new Date(Date.now() + 60_000).toISOString() });
    expect(renew.status).toBe(409);
    expect(renew.body).toMatchObject({ code: 'TOKEN_REPLACED', replacedByTokenId: renewed.id });

    const rotate = await issuer()
      .post(`/v1/tokens/${old.id}/rotate`)
      .set('Authorization', tenant.owner)
      .send({ oldTokenExpiresIn: '1h' });
    expect(rotate.status).toBe(409);
    expect(rotate.body).toMatchObject({ code: 'TOKEN_REPLACED' });

    // The successor itself can still be rotated.
    const next = await issuer()
      .post(`/v1/tokens/${renewed.id}/rotate`)
      .set('Authorization', tenant.owner)
      .send({ oldTokenExpiresIn: 'now' });
    expectStatus(next, 201, 'rotating the successor');
  });
});
