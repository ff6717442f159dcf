import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction, openDatabase } from '../../test/medium-database';
import { aUniqueToken } from '../tokens/testing/a-token';
import type { Token } from '../tokens/token.entity';
import { TokensRepository } from '../tokens/tokens.repository';
import type { RenewalOffer } from './renewal-offer.entity';
import { RenewalOffersRepository } from './renewal-offers.repository';

/* RenewalOffersRepository on real Postgres: which offers each cancellation closes, and no other. */

let dataSource: DataSource;
let offers: RenewalOffersRepository;
let tokens: TokensRepository;

beforeAll(async () => {
  dataSource = await openDatabase();
  offers = new RenewalOffersRepository(dataSource);
  tokens = new TokensRepository(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
});

const now = new Date();

async function aRenewingToken(tenantId: string, createdBy: string): Promise<Token> {
  const token = aUniqueToken({
    tenantId,
    name: 'renewing',
    description: null,
    createdBy,
    createdByEmail: null,
    createdAt: now,
    expiresAt: null,
    scopes: ['*'],
    resources: [],
    renewalEveryDays: 1,
    renewalCallbackUrl: 'https://receiver.example/hook',
    renewalMailRecipient: null,
    renewalNextAt: now,
  });
  await inTransaction(dataSource, (tx) => tokens.insert(tx, token));
  return token;
}

async function anOffer(token: Token, windowEndsAt: Date): Promise<RenewalOffer> {
  const offer: RenewalOffer = {
    id: randomUUID(),
    tokenId: token.id,
    tenantId: token.tenantId,
    dueAt: new Date(now.getTime() + Math.floor(Math.random() * 1e9)),
    status: 'pending',
    createdAt: now,
    windowEndsAt,
    nextRenewalAt: new Date(windowEndsAt.getTime() + 86_400_000),
    deliveredAt: null,
    redeemedAt: null,
    closedAt: null,
    newTokenId: null,
  };
  await inTransaction(dataSource, (tx) => offers.insert(tx, offer));
  return offer;
}

const statusOf = async (offer: RenewalOffer) =>
  (await inTransaction(dataSource, (tx) => offers.find(tx, offer.id)))?.status;

describe('RenewalOffersRepository on Postgres', () => {
  it("cancels the pending offers of a removed owner's tokens, and nobody else's", async () => {
    const tenantId = `t-${randomUUID()}`;
    const bobs = await anOffer(await aRenewingToken(tenantId, 'bob'), new Date(now.getTime() + 3_600_000));
    const alices = await anOffer(
      await aRenewingToken(tenantId, 'alice'),
      new Date(now.getTime() + 3_600_000),
    );
    const otherTenant = await anOffer(
      await aRenewingToken(`t-${randomUUID()}`, 'bob'),
      new Date(now.getTime() + 3_600_000),
    );
    await inTransaction(dataSource, (tx) => offers.cancelPendingOfOwner(tx, tenantId, 'bob', now));
    expect(await statusOf(bobs)).toBe('cancelled');
    expect(await statusOf(alices)).toBe('pending');
    expect(await statusOf(otherTenant)).toBe('pending');
  });

  it('expires only the pending offers whose window has ended, and closes a closed offer never again', async () => {
    const token = await aRenewingToken(`t-${randomUUID()}`, 'carla');
    const lapsed = await anOffer(token, new Date(now.getTime() - 1_000));
    const open = await anOffer(token, new Date(now.getTime() + 3_600_000));
    await inTransaction(dataSource, (tx) => offers.expireLapsed(tx, token.id, now));
    expect(await statusOf(lapsed)).toBe('expired');
    expect(await statusOf(open)).toBe('pending');
    await inTransaction(dataSource, (tx) => offers.close(tx, lapsed.id, 'cancelled', now));
    expect(await statusOf(lapsed)).toBe('expired');
  });

  it('numbers attempts per offer and finds one by its key hash', async () => {
    const offer = await anOffer(
      await aRenewingToken(`t-${randomUUID()}`, 'dan'),
      new Date(now.getTime() + 60_000),
    );
    const keyHash = randomUUID().replace(/-/g, '').padEnd(64, '1');
    await inTransaction(dataSource, async (tx) => {
      expect(await offers.nextAttemptNumber(tx, offer.id)).toBe(1);
      await offers.insertAttempt(tx, {
        id: randomUUID(),
        offerId: offer.id,
        number: 1,
        keyHash,
        startedAt: now,
        finishedAt: null,
        outcome: null,
        statusCode: null,
        durationMs: null,
        error: null,
      });
      expect(await offers.nextAttemptNumber(tx, offer.id)).toBe(2);
    });
    const found = await inTransaction(dataSource, (tx) => offers.findAttemptByKeyHash(tx, keyHash));
    expect(found).toMatchObject({ offerId: offer.id, number: 1 });
  });
});
