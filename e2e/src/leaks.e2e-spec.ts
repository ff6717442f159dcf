import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { EventType, type LatchkeyEvent, Topic } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import { waitFor } from '@latchkey/testing';
import { EventTap } from './support/event-tap';
import {
  expectStatus,
  letTimePass,
  MAIL_FROM_ADDRESS,
  RenewalRig,
  type TestTenant,
} from './support/renewals';
import { secretsIn } from './support/smtp-sink';

const KEY_ID = 'e2e-scanner-key-1';
const REVOKE_SELF_LIMIT = 12;
const BODY_LIMIT_BYTES = 16 * 1024;
const SCAN_URL = 'https://github.com/octo/app/blob/4f2a9c1/config/production.js';

interface Outcome {
  token_raw: string;
  token_type: string | null;
  label: string;
}

interface AuditEntry {
  type: string;
  actorId: string | null;
  tokenId: string | null;
  details: Record<string, unknown>;
}

/** The secret scanner's side: its key pair and the keys document it publishes (GitHub's shape). */
class Scanner {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: KeyObject,
    /** The paths the issuer fetched, in order. */
    readonly fetches: string[],
  ) {}

  static async start(): Promise<Scanner> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const document = JSON.stringify({
      public_keys: [
        {
          key_identifier: KEY_ID,
          key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          is_current: true,
        },
      ],
    });
    const fetches: string[] = [];
    const server = createServer((req, res) => {
      fetches.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(document);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Scanner(server, privateKey, fetches);
  }

  get keysUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  }

  /** base64 ASN.1 DER ECDSA-SHA256 over the exact bytes, as GitHub signs. */
  signature(body: string, key: KeyObject = this.privateKey): string {
    return sign('sha256', Buffer.from(body), { key, dsaEncoding: 'der' }).toString('base64');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Issue 14's leaks: GitHub's secret-scanning partner protocol at `POST /v1/leaks` (signed with our own
 * key pair, its keys document served here) and `POST /v1/tokens/revoke-self`, on the real issuer,
 * verifier and worker, with mail through a real SMTP sink and the audit log fed from Kafka.
 */
describe('leaked tokens', () => {
  let rig: RenewalRig;
  let scanner: Scanner;
  let tap: EventTap;
  let revokeSelfCalls = 0;
  const issuer = () => request(rig.system.issuer.url);

  beforeAll(async () => {
    scanner = await Scanner.start();
    rig = await RenewalRig.start({
      LEAK_REPORT_KEYS_URL: scanner.keysUrl,
      LEAK_REPORT_BODY_LIMIT: `${BODY_LIMIT_BYTES}b`,
      REVOKE_SELF_RATE_LIMIT: `${REVOKE_SELF_LIMIT}/1h`,
      // Limit counters of their own: the revoke-self count starts at zero for this spec.
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX ?? 'latchkey:'}leaks-${Date.now()}:`,
    });
    tap = await EventTap.start(Topic.TokenLifecycle);
  });

  afterAll(async () => {
    await tap?.stop();
    await rig?.close();
    await scanner?.close();
  });

  const report = (body: string, signature = scanner.signature(body), keyId = KEY_ID) =>
    issuer()
      .post('/v1/leaks')
      .set('Content-Type', 'application/json')
      .set('Github-Public-Key-Identifier', keyId)
      .set('Github-Public-Key-Signature', signature)
      .send(body);

  const reportOf = (...tokens: string[]) =>
    JSON.stringify(
      tokens.map((token) => ({ token, type: 'latchkey_api_token', url: SCAN_URL, source: 'content' })),
    );

  const revokeSelf = (authorization?: string) => {
    revokeSelfCalls++;
    const call = issuer().post('/v1/tokens/revoke-self');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  const auditOf = async (tenant: TestTenant, tokenId: string): Promise<AuditEntry[]> => {
    const res = await issuer()
      .get('/v1/audit-events')
      .query({ tokenId, type: 'token.revoked' })
      .set('Authorization', tenant.owner);
    expectStatus(res, 200, 'GET /v1/audit-events');
    return (res.body as { items: AuditEntry[] }).items;
  };

  const revocationsOf = (tenant: TestTenant, tokenId: string): LatchkeyEvent[] =>
    tap.events.filter(
      (e) => e.type === EventType.TokenRevoked && e.tenantId === tenant.id && e.subject === tokenId,
    );

  it('revokes a live token within the one request, audits where it was found and mails both owners', async () => {
    const tenant = await rig.tenant('leak', { signingSecret: false });
    const techOwner = `platform@${tenant.id}.test`;
    const live = await rig.createToken(tenant.owner, {
      name: 'prod-billing',
      technicalOwner: { email: techOwner, name: 'Platform team' },
    });
    const earlier = await rig.createToken(tenant.owner, { name: 'revoked-earlier' });
    await rig.revoke(tenant.owner, earlier.id);
    expect(await rig.verdict(live.token)).toBe('OK');
    const unknown = generateToken().token;

    const res = await report(reportOf(live.token, unknown, earlier.token, 'lk_not-a-token'));
    // Straight after the answer, with no waiting: every verifier refuses it.
    expect(await rig.verdict(live.token)).toBe('REVOKED');
    expectStatus(res, 200, 'POST /v1/leaks');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual([
      { token_raw: live.token, token_type: 'latchkey_api_token', label: 'true_positive' },
      { token_raw: unknown, token_type: 'latchkey_api_token', label: 'false_positive' },
      { token_raw: earlier.token, token_type: 'latchkey_api_token', label: 'true_positive' },
      { token_raw: 'lk_not-a-token', token_type: 'latchkey_api_token', label: 'false_positive' },
    ]);
    expect((await rig.token(tenant.owner, live.id)).status).toBe('revoked');

    const entries = await waitFor(
      async () => {
        const found = await auditOf(tenant, live.id);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, what: 'the audit entry of the leak revocation' },
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorId: 'system:secret-scanning',
      details: {
        reason: 'leaked',
        leak: {
          reporter: 'github-secret-scanning',
          url: SCAN_URL,
          source: 'content',
          type: 'latchkey_api_token',
        },
      },
    });
    expect(JSON.stringify(entries)).not.toContain(live.token);

    const ownerMail = await rig.sink.nthTo(1, tenant.ownerEmail, (m) => /exposed/.test(m.subject));
    expect(ownerMail.from).toBe(MAIL_FROM_ADDRESS);
    expect(ownerMail.subject).toBe('API token "prod-billing" was found exposed and revoked');
    expect(ownerMail.text).toContain(`Where it was found: ${SCAN_URL} (content)`);
    const techMail = await rig.sink.nthTo(1, techOwner, (m) => /exposed/.test(m.subject));
    expect(techMail.text).toContain('Hello Platform team,');
    expect(techMail.text).toContain(live.id);
    for (const mail of [ownerMail, techMail]) expect(secretsIn(mail, [live.token])).toEqual([]);
    // One mail each for the leak; the token revoked earlier by its owner brought none.
    await letTimePass(1_500);
    expect(rig.sink.mailsTo(techOwner)).toHaveLength(1);
    expect(rig.sink.mailsTo(tenant.ownerEmail)).toHaveLength(1);
    // The issuer's log names the token by id, never by its secret.
    expect(rig.system.issuer.logs()).toContain(live.id);
    expect(rig.system.issuer.logs()).not.toContain(live.token);
    expect(rig.system.issuer.logs()).not.toContain(unknown);
    // The keys document was fetched once and then served from the cache.
    expect(scanner.fetches).toEqual(['/meta/public_keys/secret_scanning']);
  });

  it('refuses reports that are not signed by a trusted key (401), malformed (400) or too large (413)', async () => {
    const tenant = await rig.tenant('leak-refused', { signingSecret: false });
    const live = await rig.createToken(tenant.owner, { name: 'still-fine' });
    const body = reportOf(live.token);
    const refusal = (res: request.Response, status: number, code: string) => {
      expectStatus(res, status, `refused report (${code})`);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status, code });
    };

    refusal(
      await issuer().post('/v1/leaks').set('Content-Type', 'application/json').send(body),
      401,
      'LEAK_SIGNATURE_MISSING',
    );
    const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    refusal(await report(body, scanner.signature(body, stranger)), 401, 'LEAK_SIGNATURE_INVALID');
    const other = reportOf(generateToken().token);
    refusal(await report(body, scanner.signature(other)), 401, 'LEAK_SIGNATURE_INVALID');
    refusal(await report(body, 'bm90IGEgc2lnbmF0dXJl'), 401, 'LEAK_SIGNATURE_INVALID');
    refusal(await report(body, scanner.signature(body), 'some-other-key'), 401, 'LEAK_KEY_UNKNOWN');
    // An unknown key fetches the document again at most once a minute: noise cannot hammer the scanner.
    expect(scanner.fetches).toHaveLength(1);
    expect(await rig.verdict(live.token)).toBe('OK');

    refusal(await report('{"token":'), 400, 'LEAK_REPORT_MALFORMED');
    refusal(await report(JSON.stringify({ token: live.token })), 400, 'LEAK_REPORT_MALFORMED');
    refusal(await report(JSON.stringify([{ url: SCAN_URL }])), 400, 'LEAK_REPORT_MALFORMED');
    const huge = reportOf(...Array.from({ length: 200 }, () => live.token));
    expect(Buffer.byteLength(huge)).toBeGreaterThan(BODY_LIMIT_BYTES);
    refusal(await report(huge), 413, 'PAYLOAD_TOO_LARGE');
    expect(await rig.verdict(live.token)).toBe('OK');
    expect(revocationsOf(tenant, live.id)).toEqual([]);
  });

  it('revokes once when 25 reports of the same tokens arrive together: one event, one audit entry each', async () => {
    const tenant = await rig.tenant('leak-burst', { signingSecret: false });
    const live = await Promise.all(
      ['burst-a', 'burst-b', 'burst-c', 'burst-d', 'burst-e'].map((name) =>
        rig.createToken(tenant.owner, { name }),
      ),
    );
    // Every report lists all five, each starting with another one: five tokens, each contended by 25.
    const bodies = Array.from({ length: 25 }, (_, i) =>
      reportOf(...live.map((_, k) => live[(i + k) % live.length].token)),
    );
    const answers = await Promise.all(bodies.map((body) => report(body)));
    for (const res of answers) {
      expectStatus(res, 200, 'concurrent POST /v1/leaks');
      expect((res.body as Outcome[]).map((o) => o.label)).toEqual(live.map(() => 'true_positive'));
    }
    for (const token of live) {
      expect(await rig.verdict(token.token)).toBe('REVOKED');
      await waitFor(async () => ((await auditOf(tenant, token.id)).length > 0 ? true : undefined), {
        timeoutMs: 30_000,
        what: 'the audit entry of the burst',
      });
      await waitFor(() => (revocationsOf(tenant, token.id).length > 0 ? true : undefined), {
        timeoutMs: 30_000,
        what: 'TokenRevoked on the tap',
      });
    }
    // Time for any second revocation to travel the same way.
    await letTimePass(2_000);
    for (const token of live) {
      expect(await auditOf(tenant, token.id)).toHaveLength(1);
      expect(revocationsOf(tenant, token.id)).toHaveLength(1);
    }
    expect(rig.sink.mailsTo(tenant.ownerEmail)).toHaveLength(live.length);
  });

  it('lets whoever holds a token revoke it by presenting it, audited as the token itself', async () => {
    const tenant = await rig.tenant('revoke-self', { signingSecret: false });
    const techOwner = `ops@${tenant.id}.test`;
    const live = await rig.createToken(tenant.owner, { name: 'held', technicalOwner: { email: techOwner } });
    expect(await rig.verdict(live.token)).toBe('OK');

    const res = await revokeSelf(`Bearer ${live.token}`);
    expect(await rig.verdict(live.token)).toBe('REVOKED');
    expectStatus(res, 204, 'POST /v1/tokens/revoke-self');
    // Unknown, already revoked: the same answer, nothing to learn from it.
    expectStatus(await revokeSelf(`Bearer ${live.token}`), 204, 'revoke-self again');
    expectStatus(await revokeSelf(`Bearer ${generateToken().token}`), 204, 'revoke-self unknown');
    const malformed = await revokeSelf('Bearer lk_short');
    expectStatus(malformed, 400, 'revoke-self malformed');
    expect(malformed.body.code).toBe('TOKEN_MALFORMED');
    const missing = await revokeSelf();
    expectStatus(missing, 401, 'revoke-self without a token');
    expect(missing.body.code).toBe('TOKEN_REQUIRED');

    const entries = await waitFor(
      async () => {
        const found = await auditOf(tenant, live.id);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, what: 'the audit entry of revoke-self' },
    );
    expect(entries).toEqual([
      expect.objectContaining({
        actorId: `token:${live.id}`,
        details: expect.objectContaining({ reason: 'holder' }),
      }),
    ]);
    const mail = await rig.sink.nthTo(1, tenant.ownerEmail, (m) => /holder/.test(m.subject));
    expect(mail.subject).toBe('API token "held" was revoked by its holder');
    await rig.sink.nthTo(1, techOwner, (m) => /holder/.test(m.subject));
    // Presented in a header, never written to the issuer's log.
    expect(rig.system.issuer.logs()).toContain(live.id);
    expect(rig.system.issuer.logs()).not.toContain(live.token);
  });

  it('limits revoke-self per caller address (429 with Retry-After), before looking at the token', async () => {
    const tenant = await rig.tenant('revoke-self-limit', { signingSecret: false });
    const live = await rig.createToken(tenant.owner, { name: 'not-yet' });
    while (revokeSelfCalls < REVOKE_SELF_LIMIT) {
      expectStatus(await revokeSelf(`Bearer ${generateToken().token}`), 204, 'revoke-self under the limit');
    }
    const limited = await revokeSelf(`Bearer ${live.token}`);
    expectStatus(limited, 429, 'revoke-self over the limit');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await rig.verdict(live.token)).toBe('OK');
  });
});
