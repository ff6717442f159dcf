import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { REDEEM_PATH, type RenewalCallbackBody } from '@latchkey/contracts';
import { waitFor } from '@latchkey/testing';
import { bodyField, CallbackReceiver, type ReceivedRequest } from './callback-receiver';
import { SmtpSink } from './smtp-sink';
import { startSystem, type RunningSystem } from './system';

/*
 * Shared set-up and API helpers of the auto-renewal specs (renewal-*.e2e-spec.ts): one system per spec
 * file with seconds instead of days, a callback receiver and an SMTP sink it is allowed to reach.
 */

/** Seed 003's durations, shrunk so a whole renewal cycle fits in a test (all in milliseconds). */
export const TIMINGS = {
  /** One "day" of `everyDays`: a token with `everyDays: 1` is due 1.5 s after creation. */
  day: 1_500,
  /** The redeem window (seed: 2 h). */
  window: 4_000,
  /** After an unredeemed window, the next offer is due this much later (seed: 24 h). */
  recallbackDelay: 2_000,
  /** How long the old token lives on after its key was redeemed (seed: 24 h). */
  oldTokenGrace: 3_000,
  callbackTimeout: 1_500,
  retryBase: 200,
  retryMax: 800,
} as const;

/**
 * Both clocks are this machine's; the slack covers rounding and the time between a service's `now` and
 * the moment the test sees the outcome, not clock skew.
 */
export const CLOCK_SLACK_MS = 250;

export const MAIL_FROM_ADDRESS = 'latchkey@mail.e2e.test';

/** The environment every renewal spec starts its system with (before its own overrides). */
export function renewalEnv(receiver: CallbackReceiver, sink: SmtpSink): Record<string, string> {
  return {
    RENEWAL_DAY_MS: String(TIMINGS.day),
    RENEWAL_REDEEM_WINDOW_MS: String(TIMINGS.window),
    RENEWAL_RECALLBACK_DELAY_MS: String(TIMINGS.recallbackDelay),
    RENEWAL_OLD_TOKEN_GRACE_MS: String(TIMINGS.oldTokenGrace),
    CALLBACK_TIMEOUT_MS: String(TIMINGS.callbackTimeout),
    CALLBACK_RETRY_BASE_MS: String(TIMINGS.retryBase),
    CALLBACK_RETRY_MAX_MS: String(TIMINGS.retryMax),
    // Issuer (save-time check) and worker (send-time check) both let the receiver through.
    CALLBACK_ALLOW_LIST: receiver.allowListEntry,
    SMTP_URL: sink.url,
    MAIL_FROM: `Latchkey <${MAIL_FROM_ADDRESS}>`,
  };
}

export interface AutoRenewalView {
  everyDays: number;
  callbackUrl: string | null;
  mailRecipient: string | null;
  nextRenewalAt: string;
}

export interface TokenView {
  id: string;
  name: string;
  keyPrefix: string;
  createdBy: { id: string; email: string | null };
  issuedBy: { id: string; email: string | null };
  createdAt: string;
  expiresAt: string | null;
  status: 'active' | 'revoked' | 'expired' | 'owner_inactive';
  scopes: string[];
  resources: string[];
  autoRenewal: AutoRenewalView | null;
  /** Seed 004; absent where a spec does not look at it. */
  technicalOwner?: { email: string; name: string | null } | null;
}

export interface CreatedToken extends TokenView {
  token: string;
}

/** The answer to redeeming a renewal key. */
export interface RenewedToken {
  token: string;
  id: string;
  name: string;
  keyPrefix: string;
  expiresAt: string | null;
  scopes: string[];
  resources: string[];
  replaces: { id: string; endsAt: string };
}

export interface RenewalAttemptView {
  id: string;
  number: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: 'delivered' | 'failed' | 'blocked' | null;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
}

export interface RenewalView {
  id: string;
  status: 'pending' | 'redeemed' | 'expired' | 'cancelled';
  dueAt: string;
  createdAt: string;
  windowEndsAt: string;
  deliveredAt: string | null;
  redeemedAt: string | null;
  newTokenId: string | null;
  attempts: RenewalAttemptView[];
}

export interface CreatedSigningSecret {
  id: string;
  secret: string;
  secretPrefix: string;
  createdAt: string;
  previous: { id: string; retiresAt: string } | null;
}

export interface SigningSecretView {
  id: string;
  secretPrefix: string;
  createdAt: string;
  retiresAt: string | null;
}

/** A tenant of one test: its own id, an owner signed in, and (unless asked otherwise) a signing secret. */
export interface TestTenant {
  id: string;
  /** `Authorization` header of the owner. */
  owner: string;
  ownerEmail: string;
  /** The plaintext signing secret, or '' when the tenant was set up without one. */
  secret: string;
}

/** Fails with the answer's body when the status is not the expected one (problem+json says why). */
export function expectStatus(res: request.Response, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(`${what} answered ${res.status}, expected ${status}: ${JSON.stringify(res.body)}`);
  }
}

/** Epoch milliseconds of an ISO time. */
export const ms = (iso: string): number => Date.parse(iso);

/** `actual` within `slack` of `expected`, with both numbers in the failure message. */
export function expectNear(actual: number, expected: number, slack: number): void {
  expect(actual).toBeGreaterThanOrEqual(expected - slack);
  expect(actual).toBeLessThanOrEqual(expected + slack);
}

/**
 * Lets time pass. Only for proving that something does NOT happen (no callback after a revoke, no second
 * delivery of a duplicate): every call site says which period it outlasts.
 */
export function letTimePass(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, durationMs)));
}

/** The renewal callback a request carried; fails the test when the body is not one. */
export function callbackBody(received: ReceivedRequest): RenewalCallbackBody {
  const json = received.json;
  expect(json).toEqual(expect.objectContaining({ type: 'token.renewal_available' }));
  return json as RenewalCallbackBody;
}

export const offerIdOf = (received: ReceivedRequest): unknown => bodyField(received, 'offerId');

/** The signed timestamp of a request whose signature verified; fails the test with the reason otherwise. */
export function signedAt(received: ReceivedRequest): number {
  if (!received.signature.ok) {
    throw new Error(`the callback's signature did not verify: ${received.signature.reason}`);
  }
  return received.signature.timestamp;
}

/** A receiver, an SMTP sink and a system that may reach both, started together and closed together. */
export class RenewalRig {
  private tenants = 0;

  private constructor(
    readonly system: RunningSystem,
    readonly receiver: CallbackReceiver,
    readonly sink: SmtpSink,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<RenewalRig> {
    const receiver = await CallbackReceiver.start();
    const sink = await SmtpSink.start();
    try {
      const system = await startSystem({ env: { ...renewalEnv(receiver, sink), ...env } });
      return new RenewalRig(system, receiver, sink);
    } catch (error) {
      await Promise.all([receiver.close(), sink.close()]);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.system.close();
    await Promise.all([this.receiver.close(), this.sink.close()]);
  }

  private issuer() {
    return request(this.system.issuer.url);
  }

  /** A fresh tenant (unique id per call) with an owner, and a signing secret unless `signingSecret: false`. */
  async tenant(label: string, { signingSecret = true } = {}): Promise<TestTenant> {
    const id = `${label}-${++this.tenants}-${randomBytes(4).toString('hex')}`;
    const ownerEmail = `owner@${id}.test`;
    const owner = await this.system.adminAuth({
      tenantId: id,
      userId: 'owner',
      role: 'owner',
      email: ownerEmail,
    });
    const secret = signingSecret ? (await this.createSigningSecret(owner)).secret : '';
    return { id, owner, ownerEmail, secret };
  }

  async createSigningSecret(auth: string): Promise<CreatedSigningSecret> {
    const res = await this.issuer().post('/v1/tenant/signing-secrets').set('Authorization', auth).send({});
    expectStatus(res, 201, 'POST /v1/tenant/signing-secrets');
    return res.body as CreatedSigningSecret;
  }

  async signingSecrets(auth: string): Promise<SigningSecretView[]> {
    const res = await this.issuer().get('/v1/tenant/signing-secrets').set('Authorization', auth);
    expectStatus(res, 200, 'GET /v1/tenant/signing-secrets');
    return (res.body as { items: SigningSecretView[] }).items;
  }

  /** POST /v1/tokens, expecting 201. */
  async createToken(auth: string, body: Record<string, unknown>): Promise<CreatedToken> {
    const res = await this.postToken(auth, body);
    expectStatus(res, 201, 'POST /v1/tokens');
    return res.body as CreatedToken;
  }

  postToken(auth: string, body: Record<string, unknown>): request.Test {
    return this.issuer().post('/v1/tokens').set('Authorization', auth).send(body);
  }

  patchToken(auth: string, id: string, body: Record<string, unknown>): request.Test {
    return this.issuer().patch(`/v1/tokens/${id}`).set('Authorization', auth).send(body);
  }

  async token(auth: string, id: string): Promise<TokenView> {
    const res = await this.issuer().get(`/v1/tokens/${id}`).set('Authorization', auth);
    expectStatus(res, 200, 'GET /v1/tokens/:id');
    return res.body as TokenView;
  }

  async revoke(auth: string, id: string): Promise<void> {
    const res = await this.issuer().post(`/v1/tokens/${id}/revoke`).set('Authorization', auth);
    expectStatus(res, 200, 'POST /v1/tokens/:id/revoke');
  }

  /** GET /v1/tokens/:id/renewals: the token's offers with their delivery attempts. */
  async renewals(auth: string, tokenId: string): Promise<RenewalView[]> {
    const res = await this.issuer().get(`/v1/tokens/${tokenId}/renewals`).set('Authorization', auth);
    expectStatus(res, 200, 'GET /v1/tokens/:id/renewals');
    return (res.body as { items: RenewalView[] }).items;
  }

  /** The offer `offerId` of a token, once `ready` holds for it. */
  offer(
    auth: string,
    tokenId: string,
    offerId: string,
    ready: (offer: RenewalView) => boolean,
    what: string,
  ): Promise<RenewalView> {
    return waitFor(
      async () => {
        const offer = (await this.renewals(auth, tokenId)).find((item) => item.id === offerId);
        return offer && ready(offer) ? offer : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what },
    );
  }

  /** The public redeem call (no authentication), whatever it answers. */
  redeem(body: unknown): request.Test {
    return this.issuer()
      .post(REDEEM_PATH)
      .send(body as object);
  }

  /**
   * Redeems a key that must work; 200 and 201 both count as success. The answer carries the renewed
   * plaintext, so no cache may keep it (`Cache-Control: no-store`).
   */
  async redeemed(key: string): Promise<RenewedToken> {
    const res = await this.redeem({ key });
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(`redeeming ${key.slice(0, 8)}… answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    if (res.headers['cache-control'] !== 'no-store') {
      throw new Error(`a redeem answer may be cached: Cache-Control ${String(res.headers['cache-control'])}`);
    }
    return res.body as RenewedToken;
  }

  /** The verifier's reason for a token right now (OK, EXPIRED, REVOKED…). */
  async verdict(token: string): Promise<string> {
    return ((await this.system.verifyHttp(token)).body as { reason: string }).reason;
  }
}

/** Requests of a token's callbacks that belong to one offer. */
export function callbacksOfOffer(requests: readonly ReceivedRequest[], offerId: string): ReceivedRequest[] {
  return requests.filter((received) => offerIdOf(received) === offerId);
}
