import type { DataSource, EntityManager } from 'typeorm';
import { EventType, type LatchkeyEvent } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import type { IssuerConfig } from '../config';
import { OutboxMessage } from '../outbox/outbox-message.entity';
import type { OutboxRelay } from '../outbox/outbox-relay.service';
import { RenewalOffer } from '../renewals/renewal-offer.entity';
import type { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import type { TenantPolicyService } from '../tenants/tenant-policy.service';
import { Token } from './token.entity';
import type { TokenStateCache } from './token-state-cache';
import { TokenErrorCode } from './tokens.errors';
import { TokensService } from './tokens.service';

const DAY = 1_000;
const now = new Date('2026-11-23T12:00:00.000Z');
/** An https URL on a public address literal: passes the SSRF guard without a DNS lookup. */
const CALLBACK = 'https://8.8.8.8/latchkey/renewals';

const config = {
  RENEWAL_DAY_MS: DAY,
  CALLBACK_ALLOW_LIST: [],
  MAX_TOKENS_PER_TENANT: 100,
  TOKEN_SCOPE_CATALOG: ['projects:read', 'projects:write'],
  AGENT_TOKEN_DEFAULT_EXPIRY_DAYS: 90,
} as unknown as IssuerConfig;

const carla: AdminPrincipal = {
  userId: 'carla',
  tenantId: 'acme',
  role: 'admin',
  email: 'carla@acme.test',
  emailVerified: true,
};

function aToken(extra: Partial<Token> = {}): Token {
  return Object.assign(new Token(), {
    id: '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f',
    tenantId: 'acme',
    name: 'crm',
    description: 'syncs contacts',
    keyPrefix: 'lk_abcde',
    tokenHash: 'f'.repeat(64),
    createdBy: 'alice',
    createdByEmail: 'alice@acme.test',
    createdAt: new Date('2026-11-01T00:00:00.000Z'),
    expiresAt: new Date('2027-11-01T00:00:00.000Z'),
    status: 'active',
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
    usageCount: 0,
    scopes: ['projects:read'],
    resources: ['proj_42'],
    purpose: 'integration',
    replacesTokenId: null,
    replacedByTokenId: null,
    renewalEveryDays: null,
    renewalCallbackUrl: null,
    renewalMailRecipient: null,
    renewalNextAt: null,
    ...extra,
  } satisfies Partial<Token>);
}

const renewing = {
  renewalEveryDays: 30,
  renewalCallbackUrl: CALLBACK,
  renewalMailRecipient: 'ops@acme.test',
  renewalNextAt: new Date('2026-12-01T00:00:00.000Z'),
};

/** Just enough of an EntityManager and DataSource: rows in memory, events and updates recorded. */
class FakeDatabase {
  readonly tokens = new Map<string, Token>();
  readonly events: LatchkeyEvent[] = [];
  readonly updates: { entity: unknown; where: unknown; set: Record<string, unknown> }[] = [];

  readonly manager = {
    query: (sql: string) => Promise.resolve(sql.includes('count(*)') ? [{ live: 0 }] : []),
    create: (_entity: unknown, fields: Partial<Token>) => Object.assign(new Token(), fields),
    insert: (entity: unknown, rows: unknown) => {
      if (entity === Token) {
        const row = rows as Token;
        this.tokens.set(row.id, Object.assign(new Token(), row));
      } else if (entity === OutboxMessage) {
        this.events.push(...(rows as { payload: LatchkeyEvent }[]).map((r) => r.payload));
      }
      return Promise.resolve();
    },
    update: (entity: unknown, where: unknown, set: Record<string, unknown>) => {
      this.updates.push({ entity, where, set });
      return Promise.resolve();
    },
    findOne: (_entity: unknown, options: { where: { id: string } }) =>
      Promise.resolve(this.tokens.get(options.where.id) ?? null),
  };

  readonly dataSource = {
    transaction: <T>(work: (manager: EntityManager) => Promise<T>) =>
      work(this.manager as unknown as EntityManager),
    getRepository: () => ({
      findOneBy: (where: { id: string }) => Promise.resolve(this.tokens.get(where.id) ?? null),
    }),
  };

  add(token: Token): Token {
    this.tokens.set(token.id, token);
    return token;
  }

  eventsOf<T extends EventType>(type: T): Extract<LatchkeyEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<LatchkeyEvent, { type: T }> => e.type === type);
  }
}

function setUp(options: { hasSigningSecret?: boolean } = {}) {
  const db = new FakeDatabase();
  const published: Token[] = [];
  const stateCache = {
    publish: (token: Token) => {
      published.push({ ...token });
      return Promise.resolve();
    },
  };
  const relay = { nudge: jest.fn() };
  const policies = { assertMayIssue: jest.fn(() => Promise.resolve()) };
  const signingSecrets = {
    hasSigningSecret: jest.fn(() => Promise.resolve(options.hasSigningSecret ?? true)),
  };
  const service = new TokensService(
    db.dataSource as unknown as DataSource,
    db.dataSource as unknown as DataSource,
    stateCache as unknown as TokenStateCache,
    relay as unknown as OutboxRelay,
    policies as unknown as TenantPolicyService,
    signingSecrets as unknown as SigningSecretsService,
    config,
  );
  return { db, service, published, relay, policies, signingSecrets };
}

const offersCancelled = (db: FakeDatabase, tokenId: string) =>
  db.updates.some(
    (u) =>
      u.entity === RenewalOffer &&
      JSON.stringify(u.where) === JSON.stringify({ tokenId, status: 'pending' }) &&
      u.set.status === 'cancelled',
  );

describe('TokensService', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('replaceInTransaction', () => {
    it("issues the successor as the old token's creator, with its auto-renewal rescheduled", async () => {
      const { db, service, published, policies } = setUp();
      const old = db.add(aToken(renewing));
      const oldEndsAt = new Date(now.getTime() + 86_400_000);
      const replaced = await service.replaceInTransaction(
        db.manager as unknown as EntityManager,
        old,
        { name: 'crm', description: 'syncs contacts', oldEndsAt, reason: 'auto-renewal', actorId: 'worker' },
        now,
      );

      expect(replaced).toMatchObject({
        name: 'crm',
        createdBy: { id: 'alice', email: 'alice@acme.test' },
        scopes: ['projects:read'],
        resources: ['proj_42'],
        purpose: 'integration',
        // The old token lived a year (2026-11-01 to 2027-11-01): so does its successor, from now.
        expiresAt: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
        autoRenewal: {
          everyDays: 30,
          callbackUrl: CALLBACK,
          mailRecipient: 'ops@acme.test',
          nextRenewalAt: new Date(now.getTime() + 30 * DAY).toISOString(),
        },
        replaced: { id: old.id, expiresAt: oldEndsAt.toISOString() },
      });
      expect(replaced.token).toMatch(/^lk_/);
      // Read on the transaction's own connection: a second one while holding locks can deadlock the pool.
      expect(policies.assertMayIssue).toHaveBeenCalledWith('acme', expect.any(Date), now, db.manager);

      const successor = db.tokens.get(replaced.id);
      expect(successor).toMatchObject({ tenantId: 'acme', createdBy: 'alice', replacesTokenId: old.id });
      expect(old).toMatchObject({
        expiresAt: oldEndsAt,
        replacedByTokenId: replaced.id,
        renewalNextAt: null,
      });
      expect(db.updates).toContainEqual({
        entity: Token,
        where: { id: old.id },
        set: { expiresAt: oldEndsAt, replacedByTokenId: replaced.id, renewalNextAt: null },
      });
      expect(published).toEqual([expect.objectContaining({ id: old.id, expiresAt: oldEndsAt })]);

      const [created] = db.eventsOf(EventType.TokenCreated);
      expect(created.data).toMatchObject({
        tokenId: replaced.id,
        createdBy: 'alice',
        createdByEmail: 'alice@acme.test',
        autoRenewal: { everyDays: 30, nextRenewalAt: new Date(now.getTime() + 30 * DAY).toISOString() },
      });
      const [renewed] = db.eventsOf(EventType.TokenRenewed);
      expect(renewed.data).toEqual({
        oldTokenId: old.id,
        newTokenId: replaced.id,
        oldTokenEndsAt: oldEndsAt.toISOString(),
        renewedBy: 'worker',
        reason: 'auto-renewal',
      });
      expect(JSON.stringify(db.events)).not.toContain(replaced.token);
    });

    it('gives a successor of a token without auto-renewal none either', async () => {
      const { db, service } = setUp();
      const old = db.add(aToken({ expiresAt: null }));
      const replaced = await service.replaceInTransaction(
        db.manager as unknown as EntityManager,
        old,
        { name: 'crm-2', description: null, oldEndsAt: now, reason: 'manual', actorId: 'carla' },
        now,
      );
      expect(replaced).toMatchObject({ autoRenewal: null, expiresAt: null });
      expect(db.eventsOf(EventType.TokenCreated)[0].data.autoRenewal).toBeNull();
    });
  });

  describe('rotate and renew', () => {
    it("say why in TokenRenewed, keep the old token's creator, and cancel its open renewal offers", async () => {
      const { db, service, relay } = setUp();
      const old = db.add(aToken(renewing));
      const rotated = await service.rotate(carla, old.id, '1h');
      expect(rotated.createdBy.id).toBe('alice');
      expect(db.eventsOf(EventType.TokenRenewed)[0].data).toMatchObject({
        reason: 'rotation',
        renewedBy: 'carla',
      });
      expect(offersCancelled(db, old.id)).toBe(true);
      expect(relay.nudge).toHaveBeenCalled();

      const other = db.add(aToken({ id: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' }));
      await service.renew(carla, other.id, { name: 'crm-2027', oldTokenEndsAt: now });
      expect(db.eventsOf(EventType.TokenRenewed)[1].data).toMatchObject({
        reason: 'manual',
        renewedBy: 'carla',
      });
    });
  });

  describe('a token already replaced', () => {
    it.each(['rotate', 'renew'] as const)(
      'cannot be %sd again (409 TOKEN_REPLACED): one token never becomes two',
      async (action) => {
        const { db, service } = setUp();
        const successorId = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
        const old = db.add(aToken({ ...renewing, replacedByTokenId: successorId }));
        const attempt =
          action === 'rotate'
            ? service.rotate(carla, old.id, '1h')
            : service.renew(carla, old.id, { name: 'second', oldTokenEndsAt: now });
        await expect(attempt).rejects.toMatchObject({
          code: 'TOKEN_REPLACED',
          status: 409,
          extensions: { replacedByTokenId: successorId },
        });
        expect(db.eventsOf(EventType.TokenCreated)).toHaveLength(0);
      },
    );

    it('is refused by the successor algorithm itself, whoever calls it', async () => {
      const { db, service } = setUp();
      const old = db.add(aToken({ replacedByTokenId: '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b' }));
      await expect(
        service.replaceInTransaction(
          db.manager as unknown as EntityManager,
          old,
          { name: 'x', description: null, oldEndsAt: now, reason: 'auto-renewal', actorId: 'worker' },
          now,
        ),
      ).rejects.toMatchObject({ code: 'TOKEN_REPLACED' });
    });
  });

  describe('create', () => {
    it('announces the creator’s email and the auto-renewal schedule', async () => {
      const { db, service } = setUp();
      const created = await service.create(carla, {
        name: 'crm',
        autoRenewal: { everyDays: 7, callbackUrl: CALLBACK },
      });
      expect(created.autoRenewal).toEqual({
        everyDays: 7,
        callbackUrl: CALLBACK,
        mailRecipient: null,
        nextRenewalAt: new Date(now.getTime() + 7 * DAY).toISOString(),
      });
      expect(db.eventsOf(EventType.TokenCreated)[0].data).toMatchObject({
        createdByEmail: 'carla@acme.test',
        autoRenewal: { everyDays: 7, mailRecipient: null },
      });
    });

    it('needs a signing secret for auto-renewal (409 SIGNING_SECRET_REQUIRED)', async () => {
      const { db, service } = setUp({ hasSigningSecret: false });
      await expect(
        service.create(carla, { name: 'crm', autoRenewal: { everyDays: 7, callbackUrl: CALLBACK } }),
      ).rejects.toMatchObject({ code: TokenErrorCode.SigningSecretRequired, status: 409 });
      expect(db.tokens.size).toBe(0);
    });

    it('refuses a callback URL on a private address (400 CALLBACK_URL_REFUSED)', async () => {
      const { db, service } = setUp();
      await expect(
        service.create(carla, {
          name: 'crm',
          autoRenewal: { everyDays: 7, callbackUrl: 'https://10.0.0.5/x' },
        }),
      ).rejects.toMatchObject({
        code: TokenErrorCode.CallbackUrlRefused,
        extensions: { reason: 'FORBIDDEN_ADDRESS' },
      });
      expect(db.tokens.size).toBe(0);
    });
  });

  describe('update', () => {
    it('switches auto-renewal on and announces the schedule', async () => {
      const { db, service } = setUp();
      const token = db.add(aToken());
      const view = await service.update(carla, token.id, {
        description: 'syncs contacts',
        autoRenewal: { everyDays: 30, callbackUrl: CALLBACK, mailRecipient: 'ops@acme.test' },
      });
      const nextRenewalAt = new Date(now.getTime() + 30 * DAY).toISOString();
      expect(view.autoRenewal).toEqual({
        everyDays: 30,
        callbackUrl: CALLBACK,
        mailRecipient: 'ops@acme.test',
        nextRenewalAt,
      });
      // The description did not change, so it is not announced.
      expect(db.eventsOf(EventType.TokenUpdated).map((e) => e.data.changes)).toEqual([
        {
          autoRenewal: {
            everyDays: 30,
            callbackUrl: CALLBACK,
            mailRecipient: 'ops@acme.test',
            nextRenewalAt,
          },
        },
      ]);
    });

    it('keeps the due renewal when only the recipient changes', async () => {
      const { db, service } = setUp();
      const token = db.add(aToken(renewing));
      const view = await service.update(carla, token.id, {
        autoRenewal: { everyDays: 30, callbackUrl: CALLBACK, mailRecipient: 'team@acme.test' },
      });
      expect(view.autoRenewal).toMatchObject({
        mailRecipient: 'team@acme.test',
        nextRenewalAt: renewing.renewalNextAt.toISOString(),
      });
    });

    it('switches auto-renewal off and cancels open renewal offers', async () => {
      const { db, service } = setUp();
      const token = db.add(aToken(renewing));
      const view = await service.update(carla, token.id, { autoRenewal: null });
      expect(view.autoRenewal).toBeNull();
      expect(db.eventsOf(EventType.TokenUpdated)[0].data.changes).toEqual({ autoRenewal: null });
      expect(offersCancelled(db, token.id)).toBe(true);
    });

    it('writes and announces nothing when nothing changes', async () => {
      const { db, service, relay } = setUp();
      const token = db.add(aToken(renewing));
      await service.update(carla, token.id, {
        description: 'syncs contacts',
        autoRenewal: { everyDays: 30, callbackUrl: CALLBACK, mailRecipient: 'ops@acme.test' },
      });
      expect(db.events).toEqual([]);
      expect(db.updates).toEqual([]);
      expect(relay.nudge).not.toHaveBeenCalled();
    });

    it.each([
      ['a revoked', { status: 'revoked' as const, revokedAt: now }, TokenErrorCode.Revoked],
      ['an expired', { expiresAt: new Date('2026-11-20T00:00:00.000Z') }, TokenErrorCode.Expired],
      ['a replaced', { replacedByTokenId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' }, TokenErrorCode.Replaced],
    ])('refuses auto-renewal on %s token (409)', async (_label, state, code) => {
      const { db, service, signingSecrets } = setUp();
      const token = db.add(aToken(state));
      await expect(
        service.update(carla, token.id, { autoRenewal: { everyDays: 30, callbackUrl: CALLBACK } }),
      ).rejects.toMatchObject({ code, status: 409 });
      expect(signingSecrets.hasSigningSecret).not.toHaveBeenCalled();
      expect(db.events).toEqual([]);
    });

    it('needs at least one editable field', async () => {
      const { db, service } = setUp();
      const token = db.add(aToken());
      await expect(service.update(carla, token.id, {})).rejects.toMatchObject({
        code: TokenErrorCode.NothingToUpdate,
      });
    });
  });

  describe('revoke', () => {
    it('ends the schedule and cancels open renewal offers in the same transaction', async () => {
      const { db, service } = setUp();
      const token = db.add(aToken(renewing));
      const view = await service.revoke(carla, token.id);
      expect(view).toMatchObject({ status: 'revoked', autoRenewal: { nextRenewalAt: null } });
      expect(db.updates).toContainEqual(
        expect.objectContaining({ entity: Token, set: expect.objectContaining({ renewalNextAt: null }) }),
      );
      expect(offersCancelled(db, token.id)).toBe(true);
    });
  });

  describe('internalState', () => {
    it('answers 404 TOKEN_NOT_FOUND for an unknown id', async () => {
      const { service } = setUp();
      await expect(service.internalState('0f4b6c1e-0000-4b5c-8d9e-0a1b2c3d4e5f')).rejects.toMatchObject({
        code: TokenErrorCode.NotFound,
        status: 404,
      });
    });
  });
});
