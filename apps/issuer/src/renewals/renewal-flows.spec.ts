import { createHash } from 'node:crypto';
import { generateSigningSecret, SIGNATURE_HEADER, verifySignature } from '@latchkey/callback-signing';
import { REDEEM_KEY_PATTERN, RenewalRefusal } from '@latchkey/contracts';
import { DomainError } from '@latchkey/service-runtime';
import type { IssuerConfig } from '../config';
import type { TransactionRunner } from '../database/transaction';
import type { MembersRepository } from '../members/members.repository';
import type { UnitOfWork } from '../outbox/unit-of-work';
import type { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import { DEFAULT_GOVERNANCE } from '../tenants/governance-policy';
import type { TenantPolicyService } from '../tenants/tenant-policy.service';
import type { ReplaceToken } from '../tokens/replace-token';
import type { Token } from '../tokens/token.entity';
import type { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
import type { TokenQueries } from '../tokens/token-queries';
import type { TokensRepository } from '../tokens/tokens.repository';
import { generateRedeemKey } from './redeem-key';
import type { RenewalOffersRepository } from './renewal-offers.repository';
import { AUTO_RENEWAL_ACTOR, RenewalRedemptionService } from './renewal-redemption.service';
import { RenewalsService } from './renewals.service';
import { RenewalErrorCode } from './renewals.errors';
import {
  FakeReplaceToken,
  FakeSigningSecrets,
  FakeTransactions,
  InMemoryMembers,
  InMemoryRenewalOffers,
  InMemoryTokens,
} from './testing/fakes';

/*
 * The renewal flows against in-memory repositories, with transactions that roll back when their work
 * throws. Locks are not modelled; the end-to-end suite covers concurrency on a real database.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CONFIG = {
  RENEWAL_REDEEM_WINDOW_MS: 2 * HOUR,
  RENEWAL_RECALLBACK_DELAY_MS: DAY,
  RENEWAL_OLD_TOKEN_GRACE_MS: DAY,
  RENEWAL_OPEN_CLOCK_SKEW_MS: 5_000,
  ISSUER_PUBLIC_URL: 'https://issuer.example/',
} as IssuerConfig;

const TOKEN_ID = '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f';
const SUCCESSOR_ID = '7a1c2e3f-4b5d-4c6e-8f70-8192a3b4c5d6';

function aToken(changes: Partial<Token> = {}): Token {
  const now = Date.now();
  return {
    id: TOKEN_ID,
    tenantId: 'acme',
    name: 'prod-main-app',
    description: 'Main app',
    keyPrefix: 'lk_AbCdE',
    tokenHash: 'a'.repeat(64),
    createdBy: 'alice',
    createdByEmail: 'alice@acme.test',
    issuedBy: 'alice',
    issuedByEmail: 'alice@acme.test',
    createdAt: new Date(now - 7 * DAY),
    expiresAt: new Date(now + 83 * DAY),
    status: 'active',
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
    usageCount: 0,
    scopes: ['*'],
    rights: null,
    resources: [],
    purpose: 'integration',
    replacesTokenId: null,
    replacedByTokenId: null,
    renewalEveryDays: 7,
    renewalCallbackUrl: 'https://receiver.example/renewals',
    renewalMailRecipient: null,
    renewalNextAt: new Date(Math.floor(now / 1000) * 1000),
    ...changes,
  };
}

function setUp(token: Token = aToken(), options: { keepsTokens?: boolean } = {}) {
  const transactions = new FakeTransactions();
  const offers = new InMemoryRenewalOffers(transactions);
  const tokens = new InMemoryTokens(transactions);
  const members = new InMemoryMembers(transactions);
  tokens.rows.push({ ...token });
  members.rows.push({ tenantId: token.tenantId, userId: token.createdBy, status: 'active' });
  const secrets = [generateSigningSecret(), generateSigningSecret()];
  const signingSecrets = new FakeSigningSecrets(transactions, secrets);
  const signingKeys = jest.spyOn(signingSecrets, 'signingKeys');
  const replaceToken = new FakeReplaceToken(tokens, {
    id: SUCCESSOR_ID,
    keyPrefix: 'lk_NeWtO',
    plaintext: 'lk_the-new-plaintext',
    lifetimeMs: 90 * DAY,
  });
  const replace = jest.spyOn(replaceToken, 'replace');
  const tokenQueries = { get: jest.fn(() => Promise.resolve({})) };
  const redemption = new RenewalRedemptionService(
    transactions as unknown as UnitOfWork,
    offers as unknown as RenewalOffersRepository,
    tokens as unknown as TokensRepository,
    members as unknown as MembersRepository,
    replaceToken as unknown as ReplaceToken,
    CONFIG,
    { governance: () => Promise.resolve(DEFAULT_GOVERNANCE) } as unknown as TenantPolicyService,
    { keepsTokens: () => Promise.resolve(options.keepsTokens ?? false) } as unknown as TokenRecoveryStore,
  );
  const renewals = new RenewalsService(
    transactions as unknown as TransactionRunner,
    offers as unknown as RenewalOffersRepository,
    tokens as unknown as TokensRepository,
    tokenQueries as unknown as TokenQueries,
    members as unknown as MembersRepository,
    signingSecrets as unknown as SigningSecretsService,
    CONFIG,
    redemption,
  );
  return {
    transactions,
    offers,
    tokens,
    members,
    secrets,
    signingKeys,
    replaceToken,
    replace,
    tokenQueries,
    renewals,
    redemption,
  };
}

type World = ReturnType<typeof setUp>;

const dueAtOf = (world: World) => world.tokens.rows[0].renewalNextAt as Date;

async function keyOfNewOffer(world: World): Promise<{ key: string; offerId: string }> {
  const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
  const delivery = await world.renewals.deliver(offer.id);
  return { key: (JSON.parse(delivery.body) as { key: string }).key, offerId: offer.id };
}

/** Moves an offer's window into the past, as if its 2 hours went by. */
function endWindow(world: World, offerId: string): void {
  const offer = world.offers.offers.find((o) => o.id === offerId);
  if (offer) offer.windowEndsAt = new Date(Date.now() - 1);
}

describe('opening a renewal offer', () => {
  it('opens a pending offer with a 2-hour window and moves the schedule 24 hours past it', async () => {
    const world = setUp();
    const dueAt = dueAtOf(world);
    const { offer, created } = await world.renewals.openOffer(TOKEN_ID, dueAt);
    expect(created).toBe(true);
    expect(offer).toMatchObject({ tokenId: TOKEN_ID, tenantId: 'acme', status: 'pending' });
    const createdAt = Date.parse(offer.createdAt);
    expect(Date.parse(offer.windowEndsAt) - createdAt).toBe(2 * HOUR);
    expect(Date.parse(offer.nextRenewalAt) - createdAt).toBe(26 * HOUR);
    expect(world.offers.offers).toHaveLength(1);
    expect(world.offers.offers[0].dueAt).toEqual(dueAt);
    expect(world.tokens.rows[0].renewalNextAt?.toISOString()).toBe(offer.nextRenewalAt);
  });

  it('answers the same offer again for the same due time (the job ran twice)', async () => {
    const world = setUp();
    const dueAt = dueAtOf(world);
    const first = await world.renewals.openOffer(TOKEN_ID, dueAt);
    const again = await world.renewals.openOffer(TOKEN_ID, new Date(dueAt.getTime()));
    expect(again).toEqual({ offer: first.offer, created: false });
    expect(world.offers.offers).toHaveLength(1);
  });

  it('records the previous unredeemed offer as expired when the next one opens', async () => {
    const world = setUp();
    const first = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    endWindow(world, first.offer.id);
    // The next renewal comes due (the token's schedule moved to it; here it is reached at once).
    const nextDue = new Date(Date.now() - 1_000);
    world.tokens.rows[0].renewalNextAt = nextDue;
    const second = await world.renewals.openOffer(TOKEN_ID, nextDue);
    expect(second.created).toBe(true);
    expect(world.offers.offers.find((o) => o.id === first.offer.id)).toMatchObject({ status: 'expired' });
    expect(world.offers.offers.find((o) => o.id === first.offer.id)?.closedAt).toBeInstanceOf(Date);
  });

  it('refuses to open an offer before the renewal is due (409 RENEWAL_NOT_DUE)', async () => {
    const world = setUp();
    const first = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    endWindow(world, first.offer.id);
    await expect(
      world.renewals.openOffer(TOKEN_ID, new Date(first.offer.nextRenewalAt)),
    ).rejects.toMatchObject({ code: RenewalRefusal.NotDue, status: 409 });
    expect(world.offers.offers).toHaveLength(1);
  });

  it('refuses a revoked token (409 TOKEN_NOT_RENEWABLE)', async () => {
    const world = setUp(aToken({ status: 'revoked', revokedAt: new Date() }));
    await expect(world.renewals.openOffer(TOKEN_ID, dueAtOf(world))).rejects.toMatchObject({
      code: RenewalRefusal.NotRenewable,
      status: 409,
    });
    expect(world.offers.offers).toHaveLength(0);
  });

  it('refuses a token whose owner was removed from the tenant (409 TOKEN_NOT_RENEWABLE)', async () => {
    const world = setUp();
    world.members.remove('acme', 'alice');
    await expect(world.renewals.openOffer(TOKEN_ID, dueAtOf(world))).rejects.toMatchObject({
      code: RenewalRefusal.NotRenewable,
      status: 409,
    });
    expect(world.offers.offers).toHaveLength(0);
  });

  it('refuses a stale due time (409 RENEWAL_SCHEDULE_STALE)', async () => {
    const world = setUp();
    await expect(
      world.renewals.openOffer(TOKEN_ID, new Date(dueAtOf(world).getTime() - 1)),
    ).rejects.toMatchObject({
      code: RenewalRefusal.StaleSchedule,
      status: 409,
    });
  });

  it('answers 404 for an unknown token', async () => {
    const { renewals } = setUp();
    await expect(renewals.openOffer(SUCCESSOR_ID, new Date())).rejects.toMatchObject({
      code: RenewalErrorCode.TokenNotFound,
      status: 404,
    });
  });
});

describe('a callback delivery', () => {
  it('carries a fresh key, kept only as its hash, in a body signed with every signing secret', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    const delivery = await world.renewals.deliver(offer.id);

    const body = JSON.parse(delivery.body) as Record<string, string>;
    expect(body).toEqual({
      type: 'token.renewal_available',
      deliveryId: delivery.attemptId,
      offerId: offer.id,
      tokenId: TOKEN_ID,
      key: expect.stringMatching(REDEEM_KEY_PATTERN),
      redeemBy: offer.windowEndsAt,
      redeemUrl: 'https://issuer.example/apiAccessTokens/requestRenewedToken',
    });
    expect(delivery).toMatchObject({
      offerId: offer.id,
      tokenId: TOKEN_ID,
      url: 'https://receiver.example/renewals',
      windowEndsAt: offer.windowEndsAt,
    });
    expect(delivery.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Latchkey-Callbacks/1',
      'latchkey-delivery-id': delivery.attemptId,
    });
    const signature = delivery.headers[SIGNATURE_HEADER];
    expect(signature.match(/v1=/g)).toHaveLength(2);
    for (const secret of world.secrets) {
      expect(verifySignature(delivery.body, signature, secret).ok).toBe(true);
    }
    // Read on the transaction's own connection: a second one while holding the offer's lock can deadlock.
    expect(world.signingKeys).toHaveBeenCalledWith('acme', expect.any(Date), world.transactions.last);

    const [stored] = world.offers.attempts;
    expect(stored).toMatchObject({ id: delivery.attemptId, offerId: offer.id, number: 1, outcome: null });
    expect(stored.keyHash).toBe(createHash('sha256').update(body.key).digest('hex'));
    expect(JSON.stringify(world.offers.attempts)).not.toContain(body.key);
  });

  it('numbers attempts and gives each its own key', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    const first = await world.renewals.deliver(offer.id);
    const second = await world.renewals.deliver(offer.id);
    expect(world.offers.attempts.map((a) => a.number)).toEqual([1, 2]);
    expect(JSON.parse(first.body).key).not.toBe(JSON.parse(second.body).key);
    expect(first.attemptId).not.toBe(second.attemptId);
  });

  it('needs a signing secret (409 SIGNING_SECRET_REQUIRED) and then records nothing', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    world.signingKeys.mockResolvedValueOnce([]);
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalErrorCode.SigningSecretRequired,
      status: 409,
    });
    expect(world.offers.attempts).toHaveLength(0);
    expect(world.offers.offers[0].status).toBe('pending');
  });

  it('is refused once the window has ended (409 RENEWAL_OFFER_CLOSED), recording the offer as expired', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    endWindow(world, offer.id);
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalRefusal.OfferClosed,
      status: 409,
    });
    expect(world.offers.offers[0].status).toBe('expired');
    expect(world.offers.attempts).toHaveLength(0);
  });

  it('is refused for an offer whose token was revoked meanwhile, cancelling it', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    Object.assign(world.tokens.rows[0], { status: 'revoked', revokedAt: new Date() });
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalRefusal.OfferClosed,
    });
    expect(world.offers.offers[0].status).toBe('cancelled');
  });

  it('is refused for an offer whose token’s owner was removed meanwhile, cancelling it', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    world.members.remove('acme', 'alice');
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalRefusal.OfferClosed,
      status: 409,
    });
    expect(world.offers.offers[0].status).toBe('cancelled');
    expect(world.offers.attempts).toHaveLength(0);
  });

  it('answers 404 for an unknown offer', async () => {
    const { renewals } = setUp();
    await expect(renewals.deliver(SUCCESSOR_ID)).rejects.toMatchObject({
      code: RenewalErrorCode.OfferNotFound,
      status: 404,
    });
  });
});

describe('an attempt report', () => {
  it('records the outcome and marks the offer delivered once', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    const { attemptId } = await world.renewals.deliver(offer.id);
    await world.renewals.report(attemptId, {
      outcome: 'failed',
      statusCode: 503,
      durationMs: 12,
      error: 'HTTP 503',
    });
    expect(world.offers.offers[0].deliveredAt).toBeNull();
    await world.renewals.report(attemptId, {
      outcome: 'delivered',
      statusCode: 200,
      durationMs: 40,
      error: null,
    });
    expect(world.offers.attempts[0]).toMatchObject({
      outcome: 'delivered',
      statusCode: 200,
      durationMs: 40,
      error: null,
      finishedAt: expect.any(Date),
    });
    const deliveredAt = world.offers.offers[0].deliveredAt;
    expect(deliveredAt).toBeInstanceOf(Date);
    await world.renewals.report(attemptId, {
      outcome: 'delivered',
      statusCode: 204,
      durationMs: 41,
      error: null,
    });
    expect(world.offers.offers[0].deliveredAt).toBe(deliveredAt);
  });

  it('answers 404 for an unknown attempt', async () => {
    const { renewals } = setUp();
    await expect(
      renewals.report(SUCCESSOR_ID, { outcome: 'blocked', statusCode: null, durationMs: 0, error: 'SSRF' }),
    ).rejects.toMatchObject({ code: RenewalErrorCode.AttemptNotFound, status: 404 });
  });
});

describe('redeeming a renewal key', () => {
  it('renews the token as the auto-renewal actor and closes the offer', async () => {
    const world = setUp();
    const { key, offerId } = await keyOfNewOffer(world);
    const before = Date.now();
    const renewed = await world.redemption.redeem(key);

    expect(world.replace).toHaveBeenCalledTimes(1);
    const [, old, plan] = world.replace.mock.calls[0];
    expect(old.id).toBe(TOKEN_ID);
    expect(plan).toEqual({
      name: 'prod-main-app',
      description: 'Main app',
      oldEndsAt: expect.any(Date),
      reason: 'auto-renewal',
      actorId: AUTO_RENEWAL_ACTOR,
    });
    expect(plan.oldEndsAt.getTime() - before).toBeGreaterThanOrEqual(DAY);
    expect(plan.oldEndsAt.getTime() - Date.now()).toBeLessThanOrEqual(DAY);

    expect(renewed).toEqual({
      token: 'lk_the-new-plaintext',
      id: SUCCESSOR_ID,
      name: 'prod-main-app',
      keyPrefix: 'lk_NeWtO',
      expiresAt: expect.any(String),
      scopes: ['*'],
      resources: [],
      replaces: { id: TOKEN_ID, endsAt: plan.oldEndsAt.toISOString() },
    });
    expect(world.offers.offers.find((o) => o.id === offerId)).toMatchObject({
      status: 'redeemed',
      newTokenId: SUCCESSOR_ID,
      redeemedAt: expect.any(Date),
      closedAt: expect.any(Date),
    });
    expect(world.transactions.nudges).toBe(1);
  });

  it('ends the old token at its own expiry when that comes before the grace period', async () => {
    const soon = new Date(Date.now() + HOUR);
    const world = setUp(aToken({ expiresAt: soon }));
    const { key } = await keyOfNewOffer(world);
    const renewed = await world.redemption.redeem(key);
    expect(renewed.replaces.endsAt).toBe(soon.toISOString());
  });

  it('renews nothing when the change cannot reach the verifiers: the offer stays pending, its key still works', async () => {
    const world = setUp();
    const { key, offerId } = await keyOfNewOffer(world);
    world.replaceToken.verifiersDown = true;
    await expect(world.redemption.redeem(key)).rejects.toThrow('The verifiers could not be reached.');
    expect(world.offers.offers.find((o) => o.id === offerId)).toMatchObject({
      status: 'pending',
      redeemedAt: null,
      newTokenId: null,
    });
    expect(world.tokens.rows).toHaveLength(1);
    expect(world.tokens.rows[0]).toMatchObject({ replacedByTokenId: null, renewalNextAt: expect.any(Date) });
    expect(world.transactions.emitted).toEqual([]);
    expect(world.transactions.nudges).toBe(0);

    world.replaceToken.verifiersDown = false;
    await expect(world.redemption.redeem(key)).resolves.toMatchObject({ id: SUCCESSOR_ID });
    expect(world.transactions.nudges).toBe(1);
  });

  it('works once: the same key again is 409 RENEWAL_KEY_USED', async () => {
    const world = setUp();
    const { key } = await keyOfNewOffer(world);
    await world.redemption.redeem(key);
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyUsed,
      status: 409,
    });
    expect(world.replace).toHaveBeenCalledTimes(1);
  });

  it('accepts any key delivered for the offer, and then none of them', async () => {
    const world = setUp();
    const { key, offerId } = await keyOfNewOffer(world);
    const second = JSON.parse((await world.renewals.deliver(offerId)).body).key as string;
    await world.redemption.redeem(second);
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({ code: RenewalErrorCode.KeyUsed });
  });

  it('refuses a key whose window has ended (410 RENEWAL_KEY_EXPIRED) and records the expiry', async () => {
    const world = setUp();
    const { key, offerId } = await keyOfNewOffer(world);
    endWindow(world, offerId);
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyExpired,
      status: 410,
    });
    expect(world.offers.offers[0].status).toBe('expired');
    expect(world.replace).not.toHaveBeenCalled();
    expect(world.transactions.nudges).toBe(0);
  });

  it('refuses a key of a cancelled offer (410 RENEWAL_KEY_CANCELLED)', async () => {
    const world = setUp();
    const { key } = await keyOfNewOffer(world);
    world.offers.offers[0].status = 'cancelled';
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyCancelled,
      status: 410,
    });
  });

  it('refuses a key once the token is no longer active (410 RENEWAL_KEY_CANCELLED), cancelling the offer', async () => {
    const world = setUp();
    const { key } = await keyOfNewOffer(world);
    Object.assign(world.tokens.rows[0], { status: 'revoked', revokedAt: new Date() });
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyCancelled,
      status: 410,
    });
    expect(world.offers.offers[0].status).toBe('cancelled');
    expect(world.replace).not.toHaveBeenCalled();
  });

  it('refuses a key once the token’s owner was removed (410 RENEWAL_KEY_CANCELLED), cancelling the offer', async () => {
    const world = setUp();
    const { key } = await keyOfNewOffer(world);
    world.members.remove('acme', 'alice');
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyCancelled,
      status: 410,
    });
    expect(world.offers.offers[0].status).toBe('cancelled');
    expect(world.replace).not.toHaveBeenCalled();
    expect(world.transactions.nudges).toBe(0);
  });

  it('answers an unknown key with 404 RENEWAL_KEY_UNKNOWN, naming nothing', async () => {
    const world = setUp();
    await keyOfNewOffer(world);
    const error = await world.redemption.redeem(generateRedeemKey().key).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: RenewalErrorCode.KeyUnknown, status: 404 });
    expect(JSON.stringify(error)).not.toMatch(/acme|0f4b6c1e/);
  });

  it.each(['', 'lk_not-a-renewal-key', 'lkr_short', `lkr_${'a'.repeat(42)}!`, ` lkr_${'a'.repeat(43)}`])(
    'refuses %p as 400 RENEWAL_KEY_MALFORMED without looking it up',
    async (key) => {
      const world = setUp();
      const run = jest.spyOn(world.transactions, 'run');
      await expect(world.redemption.redeem(key)).rejects.toMatchObject({
        code: RenewalErrorCode.KeyMalformed,
        status: 400,
      });
      expect(run).not.toHaveBeenCalled();
    },
  );
});

describe('the renewals listing', () => {
  it('checks that the principal may see the token, then lists its offers', async () => {
    const world = setUp();
    const { offerId } = await keyOfNewOffer(world);
    const principal = {
      userId: 'alice',
      tenantId: 'acme',
      role: 'member' as const,
      email: null,
      emailVerified: true,
    };
    const history = await world.renewals.history(principal, TOKEN_ID);
    expect(world.tokenQueries.get).toHaveBeenCalledWith(principal, TOKEN_ID);
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ id: offerId, status: 'pending', attempts: [{ number: 1 }] });
  });

  it('lists nothing for a token the principal may not see', async () => {
    const world = setUp();
    world.tokenQueries.get.mockRejectedValueOnce(
      Object.assign(new Error('no'), { code: 'TOKEN_NOT_FOUND', status: 404 }),
    );
    const principal = {
      userId: 'bob',
      tenantId: 'acme',
      role: 'member' as const,
      email: null,
      emailVerified: true,
    };
    await expect(world.renewals.history(principal, TOKEN_ID)).rejects.toMatchObject({ status: 404 });
  });
});

describe('auto-renewal without a callback (seed 003)', () => {
  const callbackLess = () => aToken({ renewalCallbackUrl: null, renewalMailRecipient: 'ops@acme.test' });
  const owner = {
    userId: 'alice',
    tenantId: 'acme',
    role: 'member' as const,
    email: 'alice@acme.test',
    emailVerified: true,
  };

  it('opens the offer on schedule and tells the worker it goes to the console, not to a callback', async () => {
    const world = setUp(callbackLess());
    const dueAt = dueAtOf(world);
    const { offer, created } = await world.renewals.openOffer(TOKEN_ID, dueAt);
    expect(created).toBe(true);
    expect(offer).toMatchObject({ status: 'pending', delivery: 'console' });
    expect((await world.renewals.openOffer(TOKEN_ID, dueAt)).offer.delivery).toBe('console');
  });

  it('signs no callback for it (409 RENEWAL_NO_CALLBACK) and leaves the offer open for the console', async () => {
    const world = setUp(callbackLess());
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalRefusal.NoCallback,
      status: 409,
    });
    expect(world.signingKeys).not.toHaveBeenCalled();
    expect(world.offers.offers[0]).toMatchObject({ status: 'pending', closedAt: null });
    expect(world.offers.attempts).toHaveLength(0);
  });

  it('lets the owner redeem the pending offer signed in, recorded as her renewal', async () => {
    const world = setUp(callbackLess());
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    const renewed = await world.redemption.redeemAsOwner(owner, TOKEN_ID, offer.id);
    expect(renewed).toMatchObject({ token: 'lk_the-new-plaintext', id: SUCCESSOR_ID });
    expect(world.replace.mock.calls[0][2]).toMatchObject({
      reason: 'auto-renewal',
      actorId: 'alice',
      actorEmail: 'alice@acme.test',
    });
    expect(world.offers.offers[0]).toMatchObject({ status: 'redeemed', newTokenId: SUCCESSOR_ID });
    await expect(world.redemption.redeemAsOwner(owner, TOKEN_ID, offer.id)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyUsed,
      status: 409,
    });
  });

  it('refuses the redeem after the window (410 RENEWAL_KEY_EXPIRED)', async () => {
    const world = setUp(callbackLess());
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    endWindow(world, offer.id);
    const closed = world.offers.offers[0];
    await expect(world.redemption.redeemAsOwner(owner, TOKEN_ID, offer.id)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyExpired,
      status: 410,
      // Told in the owner's terms: no key, no callback, but when the next renewal opens.
      detail: expect.stringContaining(
        `ended at ${closed.windowEndsAt.toISOString()}. The next renewal opens at ${closed.nextRenewalAt.toISOString()}`,
      ) as unknown,
    });
    expect(world.replace).not.toHaveBeenCalled();
  });

  it('lets nobody but the owner redeem (403 NOT_TOKEN_OWNER), and names no offer of another token (404)', async () => {
    const world = setUp(callbackLess());
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world));
    const admin = { ...owner, userId: 'carla', role: 'admin' as const, email: 'carla@acme.test' };
    await expect(world.redemption.redeemAsOwner(admin, TOKEN_ID, offer.id)).rejects.toMatchObject({
      code: 'NOT_TOKEN_OWNER',
      status: 403,
    });
    await expect(
      world.redemption.redeemAsOwner(owner, TOKEN_ID, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toMatchObject({ code: RenewalErrorCode.OfferNotFound, status: 404 });
    expect(world.replace).not.toHaveBeenCalled();
  });

  describe('in a tenant that keeps tokens recoverable', () => {
    it('renews on schedule with nobody redeeming: the successor is issued by the auto-renewal', async () => {
      const world = setUp(callbackLess(), { keepsTokens: true });
      const dueAt = dueAtOf(world);
      const { offer, created } = await world.renewals.openOnSchedule(TOKEN_ID, dueAt);
      expect(created).toBe(true);
      expect(offer).toMatchObject({ status: 'redeemed', delivery: 'console' });
      expect(world.replace).toHaveBeenCalledTimes(1);
      expect(world.replace.mock.calls[0][2]).toMatchObject({
        reason: 'auto-renewal',
        actorId: AUTO_RENEWAL_ACTOR,
      });
      expect(world.offers.offers[0]).toMatchObject({ status: 'redeemed', newTokenId: SUCCESSOR_ID });
      // The worker asking again for the same due time renews nothing more.
      const again = await world.renewals.openOnSchedule(TOKEN_ID, dueAt);
      expect(again).toMatchObject({ created: false, offer: { id: offer.id, status: 'redeemed' } });
      expect(world.replace).toHaveBeenCalledTimes(1);
    });

    it('leaves a token with a callback URL to its callback', async () => {
      const world = setUp(aToken(), { keepsTokens: true });
      const { offer } = await world.renewals.openOnSchedule(TOKEN_ID, dueAtOf(world));
      expect(offer).toMatchObject({ status: 'pending', delivery: 'callback' });
      expect(world.replace).not.toHaveBeenCalled();
    });

    it('leaves the offer pending for the owner when the tenant’s policy refuses the successor', async () => {
      const world = setUp(callbackLess(), { keepsTokens: true });
      world.replace.mockRejectedValueOnce(
        new DomainError('TOKEN_LIMIT_REACHED', 422, 'The tenant has reached its token limit.'),
      );
      const { offer } = await world.renewals.openOnSchedule(TOKEN_ID, dueAtOf(world));
      expect(offer).toMatchObject({ status: 'pending', delivery: 'console' });
      expect(world.offers.offers[0]).toMatchObject({ status: 'pending', newTokenId: null });
    });
  });

  it('leaves the offer pending for the owner where the tenant does not keep tokens', async () => {
    const world = setUp(callbackLess(), { keepsTokens: false });
    const { offer } = await world.renewals.openOnSchedule(TOKEN_ID, dueAtOf(world));
    expect(offer).toMatchObject({ status: 'pending', delivery: 'console' });
    expect(world.replace).not.toHaveBeenCalled();
  });
});
