import { createHash } from 'node:crypto';
import { type EntityManager, type EntityTarget, FindOperator, type ObjectLiteral } from 'typeorm';
import type { DataSource } from 'typeorm';
import { generateSigningSecret, SIGNATURE_HEADER, verifySignature } from '@latchkey/callback-signing';
import { REDEEM_KEY_PATTERN, RenewalRefusal } from '@latchkey/contracts';
import type { IssuerConfig } from '../config';
import type { OutboxRelay } from '../outbox/outbox-relay.service';
import type { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import { Member } from '../members/member.entity';
import { Token } from '../tokens/token.entity';
import type { TokensService } from '../tokens/tokens.service';
import { generateRedeemKey } from './redeem-key';
import { RenewalAttempt } from './renewal-attempt.entity';
import { RenewalOffer } from './renewal-offer.entity';
import { AUTO_RENEWAL_ACTOR, RenewalRedemptionService } from './renewal-redemption.service';
import { RenewalsService } from './renewals.service';
import { RenewalErrorCode } from './renewals.errors';

/*
 * The renewal flows against an in-memory stand-in for Postgres: enough of TypeORM's EntityManager for
 * these services, with transactions that roll back when their callback throws. Locks are not modelled;
 * the end-to-end suite covers concurrency on a real database.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CONFIG = {
  RENEWAL_REDEEM_WINDOW_MS: 2 * HOUR,
  RENEWAL_RECALLBACK_DELAY_MS: DAY,
  RENEWAL_OLD_TOKEN_GRACE_MS: DAY,
  ISSUER_PUBLIC_URL: 'https://issuer.example/',
} as IssuerConfig;

type Row = Record<string, unknown>;

function matches(row: Row, where: Row): boolean {
  return Object.entries(where).every(([field, wanted]) => {
    const value = row[field];
    if (wanted instanceof FindOperator) {
      const operand: unknown = wanted.value;
      if (wanted.type === 'not') return !same(value, operand);
      if (wanted.type === 'isNull') return value === null;
      if (wanted.type === 'lessThanOrEqual') return (value as Date).getTime() <= (operand as Date).getTime();
      if (wanted.type === 'in') return (operand as unknown[]).some((candidate) => same(value, candidate));
      throw new Error(`operator ${wanted.type} is not modelled`);
    }
    return same(value, wanted);
  });
}

function same(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

class InMemoryDatabase {
  tables = new Map<EntityTarget<ObjectLiteral>, Row[]>([
    [Member, []],
    [Token, []],
    [RenewalOffer, []],
    [RenewalAttempt, []],
  ]);

  readonly manager = {
    findOne: (entity: EntityTarget<ObjectLiteral>, options: { where: Row }) =>
      Promise.resolve(this.first(entity, options.where)),
    findOneOrFail: (entity: EntityTarget<ObjectLiteral>, options: { where: Row }) =>
      Promise.resolve(this.firstOrFail(entity, options.where)),
    findOneBy: (entity: EntityTarget<ObjectLiteral>, where: Row) =>
      Promise.resolve(this.first(entity, where)),
    findOneByOrFail: (entity: EntityTarget<ObjectLiteral>, where: Row) =>
      Promise.resolve(this.firstOrFail(entity, where)),
    findBy: (entity: EntityTarget<ObjectLiteral>, where: Row) =>
      Promise.resolve(this.all(entity, where).map((row) => ({ ...row }))),
    insert: (entity: EntityTarget<ObjectLiteral>, row: Row) => {
      this.table(entity).push({ ...row });
      return Promise.resolve();
    },
    update: (entity: EntityTarget<ObjectLiteral>, where: Row, changes: Row) => {
      for (const row of this.all(entity, where)) Object.assign(row, changes);
      return Promise.resolve();
    },
    maximum: (entity: EntityTarget<ObjectLiteral>, field: string, where: Row) => {
      const values = this.all(entity, where).map((row) => row[field] as number);
      return Promise.resolve(values.length === 0 ? null : Math.max(...values));
    },
  };

  readonly dataSource = {
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const snapshot = new Map([...this.tables].map(([entity, rows]) => [entity, structuredClone(rows)]));
      try {
        return await work(this.manager as unknown as EntityManager);
      } catch (error) {
        this.tables = snapshot;
        throw error;
      }
    },
    getRepository: (entity: EntityTarget<ObjectLiteral>) => ({
      find: ({ where }: { where: Row }) =>
        Promise.resolve(this.all(entity, where).map((row) => ({ ...row }))),
    }),
  } as unknown as DataSource;

  table(entity: EntityTarget<ObjectLiteral>): Row[] {
    const rows = this.tables.get(entity);
    if (!rows) throw new Error('unknown table');
    return rows;
  }

  all(entity: EntityTarget<ObjectLiteral>, where: Row): Row[] {
    return this.table(entity).filter((row) => matches(row, where));
  }

  private first(entity: EntityTarget<ObjectLiteral>, where: Row): Row | null {
    const row = this.all(entity, where)[0];
    return row ? { ...row } : null;
  }

  private firstOrFail(entity: EntityTarget<ObjectLiteral>, where: Row): Row {
    const row = this.first(entity, where);
    if (!row) throw new Error('EntityNotFound');
    return row;
  }

  tokens = () => this.table(Token) as unknown as Token[];
  offers = () => this.table(RenewalOffer) as unknown as RenewalOffer[];
  attempts = () => this.table(RenewalAttempt) as unknown as RenewalAttempt[];
}

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
    createdAt: new Date(now - 7 * DAY),
    expiresAt: new Date(now + 83 * DAY),
    status: 'active',
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
    usageCount: 0,
    scopes: ['*'],
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

function setUp(token: Token = aToken()) {
  const db = new InMemoryDatabase();
  db.table(Token).push({ ...token });
  db.table(Member).push({
    tenantId: token.tenantId,
    userId: token.createdBy,
    role: 'admin',
    status: 'active',
  });
  const secrets = [generateSigningSecret(), generateSigningSecret()];
  const signingSecrets = { signingKeys: jest.fn(() => Promise.resolve([...secrets])) };
  const replaceInTransaction = jest.fn(
    (manager: EntityManager, old: Token, plan: { oldEndsAt: Date }, now: Date) => {
      const successor = { ...old, id: SUCCESSOR_ID, createdAt: now, replacesTokenId: old.id };
      void manager.insert(Token, successor);
      void manager.update(Token, { id: old.id }, { replacedByTokenId: SUCCESSOR_ID, renewalNextAt: null });
      return Promise.resolve({
        id: SUCCESSOR_ID,
        name: old.name,
        keyPrefix: 'lk_NeWtO',
        expiresAt: new Date(now.getTime() + 90 * DAY).toISOString(),
        scopes: old.scopes,
        resources: old.resources,
        token: 'lk_the-new-plaintext',
        replaced: { id: old.id, expiresAt: plan.oldEndsAt.toISOString() },
      });
    },
  );
  const tokens = { get: jest.fn(() => Promise.resolve({})), replaceInTransaction };
  const relay = { nudge: jest.fn() };
  const renewals = new RenewalsService(
    db.dataSource,
    tokens as unknown as TokensService,
    signingSecrets as unknown as SigningSecretsService,
    CONFIG,
  );
  const redemption = new RenewalRedemptionService(
    db.dataSource,
    tokens as unknown as TokensService,
    relay as unknown as OutboxRelay,
    CONFIG,
  );
  return { db, secrets, signingSecrets, tokens, replaceInTransaction, relay, renewals, redemption };
}

const dueAtOf = (db: InMemoryDatabase) => db.tokens()[0].renewalNextAt as Date;

async function keyOfNewOffer(world: ReturnType<typeof setUp>): Promise<{ key: string; offerId: string }> {
  const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world.db));
  const delivery = await world.renewals.deliver(offer.id);
  return { key: (JSON.parse(delivery.body) as { key: string }).key, offerId: offer.id };
}

/** Moves an offer's window into the past, as if its 2 hours went by. */
function endWindow(db: InMemoryDatabase, offerId: string): void {
  const offer = db.offers().find((o) => o.id === offerId);
  if (offer) offer.windowEndsAt = new Date(Date.now() - 1);
}

describe('opening a renewal offer', () => {
  it('opens a pending offer with a 2-hour window and moves the schedule 24 hours past it', async () => {
    const { db, renewals } = setUp();
    const dueAt = dueAtOf(db);
    const { offer, created } = await renewals.openOffer(TOKEN_ID, dueAt);
    expect(created).toBe(true);
    expect(offer).toMatchObject({ tokenId: TOKEN_ID, tenantId: 'acme', status: 'pending' });
    const createdAt = Date.parse(offer.createdAt);
    expect(Date.parse(offer.windowEndsAt) - createdAt).toBe(2 * HOUR);
    expect(Date.parse(offer.nextRenewalAt) - createdAt).toBe(26 * HOUR);
    expect(db.offers()).toHaveLength(1);
    expect(db.offers()[0].dueAt).toEqual(dueAt);
    expect(db.tokens()[0].renewalNextAt?.toISOString()).toBe(offer.nextRenewalAt);
  });

  it('answers the same offer again for the same due time (the job ran twice)', async () => {
    const { db, renewals } = setUp();
    const dueAt = dueAtOf(db);
    const first = await renewals.openOffer(TOKEN_ID, dueAt);
    const again = await renewals.openOffer(TOKEN_ID, new Date(dueAt.getTime()));
    expect(again).toEqual({ offer: first.offer, created: false });
    expect(db.offers()).toHaveLength(1);
  });

  it('records the previous unredeemed offer as expired when the next one opens', async () => {
    const { db, renewals } = setUp();
    const first = await renewals.openOffer(TOKEN_ID, dueAtOf(db));
    endWindow(db, first.offer.id);
    const second = await renewals.openOffer(TOKEN_ID, new Date(first.offer.nextRenewalAt));
    expect(second.created).toBe(true);
    expect(db.offers().find((o) => o.id === first.offer.id)).toMatchObject({ status: 'expired' });
    expect(db.offers().find((o) => o.id === first.offer.id)?.closedAt).toBeInstanceOf(Date);
  });

  it('refuses a revoked token (409 TOKEN_NOT_RENEWABLE)', async () => {
    const { db, renewals } = setUp(aToken({ status: 'revoked', revokedAt: new Date() }));
    await expect(renewals.openOffer(TOKEN_ID, dueAtOf(db))).rejects.toMatchObject({
      code: RenewalRefusal.NotRenewable,
      status: 409,
    });
    expect(db.offers()).toHaveLength(0);
  });

  it('refuses a stale due time (409 RENEWAL_SCHEDULE_STALE)', async () => {
    const { db, renewals } = setUp();
    await expect(renewals.openOffer(TOKEN_ID, new Date(dueAtOf(db).getTime() - 1))).rejects.toMatchObject({
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
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world.db));
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
    expect(world.signingSecrets.signingKeys).toHaveBeenCalledWith('acme', expect.any(Date), world.db.manager);

    const [stored] = world.db.attempts();
    expect(stored).toMatchObject({ id: delivery.attemptId, offerId: offer.id, number: 1, outcome: null });
    expect(stored.keyHash).toBe(createHash('sha256').update(body.key).digest('hex'));
    expect(JSON.stringify(world.db.tables.get(RenewalAttempt))).not.toContain(body.key);
  });

  it('numbers attempts and gives each its own key', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world.db));
    const first = await world.renewals.deliver(offer.id);
    const second = await world.renewals.deliver(offer.id);
    expect(world.db.attempts().map((a) => a.number)).toEqual([1, 2]);
    expect(JSON.parse(first.body).key).not.toBe(JSON.parse(second.body).key);
    expect(first.attemptId).not.toBe(second.attemptId);
  });

  it('needs a signing secret (409 SIGNING_SECRET_REQUIRED) and then records nothing', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world.db));
    world.signingSecrets.signingKeys.mockResolvedValueOnce([]);
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalErrorCode.SigningSecretRequired,
      status: 409,
    });
    expect(world.db.attempts()).toHaveLength(0);
    expect(world.db.offers()[0].status).toBe('pending');
  });

  it('is refused once the window has ended (409 RENEWAL_OFFER_CLOSED), recording the offer as expired', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world.db));
    endWindow(world.db, offer.id);
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalRefusal.OfferClosed,
      status: 409,
    });
    expect(world.db.offers()[0].status).toBe('expired');
    expect(world.db.attempts()).toHaveLength(0);
  });

  it('is refused for an offer whose token was revoked meanwhile, cancelling it', async () => {
    const world = setUp();
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world.db));
    Object.assign(world.db.tokens()[0], { status: 'revoked', revokedAt: new Date() });
    await expect(world.renewals.deliver(offer.id)).rejects.toMatchObject({
      code: RenewalRefusal.OfferClosed,
    });
    expect(world.db.offers()[0].status).toBe('cancelled');
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
    const { offer } = await world.renewals.openOffer(TOKEN_ID, dueAtOf(world.db));
    const { attemptId } = await world.renewals.deliver(offer.id);
    await world.renewals.report(attemptId, {
      outcome: 'failed',
      statusCode: 503,
      durationMs: 12,
      error: 'HTTP 503',
    });
    expect(world.db.offers()[0].deliveredAt).toBeNull();
    await world.renewals.report(attemptId, {
      outcome: 'delivered',
      statusCode: 200,
      durationMs: 40,
      error: null,
    });
    expect(world.db.attempts()[0]).toMatchObject({
      outcome: 'delivered',
      statusCode: 200,
      durationMs: 40,
      error: null,
      finishedAt: expect.any(Date),
    });
    const deliveredAt = world.db.offers()[0].deliveredAt;
    expect(deliveredAt).toBeInstanceOf(Date);
    await world.renewals.report(attemptId, {
      outcome: 'delivered',
      statusCode: 204,
      durationMs: 41,
      error: null,
    });
    expect(world.db.offers()[0].deliveredAt).toBe(deliveredAt);
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

    expect(world.replaceInTransaction).toHaveBeenCalledTimes(1);
    const [, old, plan] = world.replaceInTransaction.mock.calls[0];
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
    expect(world.db.offers().find((o) => o.id === offerId)).toMatchObject({
      status: 'redeemed',
      newTokenId: SUCCESSOR_ID,
      redeemedAt: expect.any(Date),
      closedAt: expect.any(Date),
    });
    expect(world.relay.nudge).toHaveBeenCalledTimes(1);
  });

  it('ends the old token at its own expiry when that comes before the grace period', async () => {
    const soon = new Date(Date.now() + HOUR);
    const world = setUp(aToken({ expiresAt: soon }));
    const { key } = await keyOfNewOffer(world);
    const renewed = await world.redemption.redeem(key);
    expect(renewed.replaces.endsAt).toBe(soon.toISOString());
  });

  it('works once: the same key again is 409 RENEWAL_KEY_USED', async () => {
    const world = setUp();
    const { key } = await keyOfNewOffer(world);
    await world.redemption.redeem(key);
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyUsed,
      status: 409,
    });
    expect(world.replaceInTransaction).toHaveBeenCalledTimes(1);
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
    endWindow(world.db, offerId);
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyExpired,
      status: 410,
    });
    expect(world.db.offers()[0].status).toBe('expired');
    expect(world.replaceInTransaction).not.toHaveBeenCalled();
    expect(world.relay.nudge).not.toHaveBeenCalled();
  });

  it('refuses a key of a cancelled offer (410 RENEWAL_KEY_CANCELLED)', async () => {
    const world = setUp();
    const { key } = await keyOfNewOffer(world);
    world.db.offers()[0].status = 'cancelled';
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyCancelled,
      status: 410,
    });
  });

  it('refuses a key once the token is no longer active (410 RENEWAL_KEY_CANCELLED), cancelling the offer', async () => {
    const world = setUp();
    const { key } = await keyOfNewOffer(world);
    Object.assign(world.db.tokens()[0], { status: 'revoked', revokedAt: new Date() });
    await expect(world.redemption.redeem(key)).rejects.toMatchObject({
      code: RenewalErrorCode.KeyCancelled,
      status: 410,
    });
    expect(world.db.offers()[0].status).toBe('cancelled');
    expect(world.replaceInTransaction).not.toHaveBeenCalled();
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
      const transaction = jest.spyOn(world.db.dataSource, 'transaction');
      await expect(world.redemption.redeem(key)).rejects.toMatchObject({
        code: RenewalErrorCode.KeyMalformed,
        status: 400,
      });
      expect(transaction).not.toHaveBeenCalled();
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
    expect(world.tokens.get).toHaveBeenCalledWith(principal, TOKEN_ID);
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ id: offerId, status: 'pending', attempts: [{ number: 1 }] });
  });

  it('lists nothing for a token the principal may not see', async () => {
    const world = setUp();
    world.tokens.get.mockRejectedValueOnce(
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
