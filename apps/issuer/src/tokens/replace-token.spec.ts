import { EventType } from '@latchkey/contracts';
import { VerifierCacheUnreachableError } from '../infrastructure/verifier-cache';
import type { ReplacementPlan } from './replace-token';
import {
  aToken,
  CALLBACK,
  alice,
  carla,
  eventsOf,
  RENEWAL_DAY_MS,
  renewing,
  tokenUseCases,
} from './testing/token-use-cases';

const now = new Date('2026-11-23T12:00:00.000Z');
const DAY = 86_400_000;
const SUCCESSOR = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';

describe('ReplaceToken', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  describe('replace, the successor algorithm', () => {
    const byWorker = (oldEndsAt: Date): ReplacementPlan => ({
      name: 'crm',
      description: 'syncs contacts',
      oldEndsAt,
      reason: 'auto-renewal',
      actorId: 'worker',
    });

    it("issues the successor as the old token's creator, with its auto-renewal rescheduled", async () => {
      const { db, tokens, published, policyChecks, replace } = tokenUseCases();
      const old = tokens.add(aToken(renewing));
      const oldEndsAt = new Date(now.getTime() + DAY);
      const replaced = await db.run((tx) => replace.replace(tx, old, byWorker(oldEndsAt), now));

      expect(replaced).toMatchObject({
        name: 'crm',
        createdBy: { id: 'alice', email: 'alice@acme.test' },
        scopes: ['projects:read'],
        resources: ['proj_42'],
        purpose: 'integration',
        // The old token lived a year (2026-11-01 to 2027-11-01): so does its successor, from now.
        expiresAt: new Date(now.getTime() + 365 * DAY).toISOString(),
        autoRenewal: {
          everyDays: 30,
          callbackUrl: CALLBACK,
          mailRecipient: 'ops@acme.test',
          nextRenewalAt: new Date(now.getTime() + 30 * RENEWAL_DAY_MS).toISOString(),
        },
        replaced: { id: old.id, expiresAt: oldEndsAt.toISOString() },
      });
      expect(replaced.token).toMatch(/^lk_/);
      // The plan is read through the transaction: a second connection while holding locks can deadlock.
      expect(policyChecks).toEqual([
        { tenantId: 'acme', expiresAt: expect.any(Date), now, tx: db.handedOut[0] },
      ]);

      expect(tokens.get(replaced.id)).toMatchObject({
        tenantId: 'acme',
        createdBy: 'alice',
        replacesTokenId: old.id,
      });
      expect(tokens.get(old.id)).toMatchObject({
        expiresAt: oldEndsAt,
        replacedByTokenId: replaced.id,
        renewalNextAt: null,
      });
      expect(published).toEqual([expect.objectContaining({ id: old.id, expiresAt: oldEndsAt })]);

      const [created] = eventsOf(db, EventType.TokenCreated);
      expect(created.data).toMatchObject({
        tokenId: replaced.id,
        createdBy: 'alice',
        createdByEmail: 'alice@acme.test',
        autoRenewal: {
          everyDays: 30,
          nextRenewalAt: new Date(now.getTime() + 30 * RENEWAL_DAY_MS).toISOString(),
        },
      });
      expect(eventsOf(db, EventType.TokenRenewed).map((e) => e.data)).toEqual([
        {
          oldTokenId: old.id,
          newTokenId: replaced.id,
          oldTokenEndsAt: oldEndsAt.toISOString(),
          renewedBy: 'worker',
          reason: 'auto-renewal',
          technicalOwner: null,
        },
      ]);
      expect(JSON.stringify(db.emitted)).not.toContain(replaced.token);
    });

    it('records the service that renewed it as issuer, and the old owner as owner', async () => {
      const { db, tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken(renewing));
      const plan = { ...byWorker(now), actorId: 'system:auto-renewal' };
      const replaced = await db.run((tx) => replace.replace(tx, old, plan, now));
      expect(replaced).toMatchObject({
        createdBy: { id: 'alice', email: 'alice@acme.test' },
        issuedBy: { id: 'system:auto-renewal', email: null },
      });
      expect(tokens.get(replaced.id)).toMatchObject({ createdBy: 'alice', issuedBy: 'system:auto-renewal' });
    });

    it('gives a successor of a token without expiry or auto-renewal neither', async () => {
      const { db, tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken({ expiresAt: null }));
      const replaced = await db.run((tx) => replace.replace(tx, old, byWorker(now), now));
      expect(replaced).toMatchObject({ autoRenewal: null, expiresAt: null });
      expect(eventsOf(db, EventType.TokenCreated)[0].data.autoRenewal).toBeNull();
    });

    it('refuses a token already replaced, whoever calls it (409 TOKEN_REPLACED)', async () => {
      const { db, tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken({ replacedByTokenId: SUCCESSOR }));
      await expect(db.run((tx) => replace.replace(tx, old, byWorker(now), now))).rejects.toMatchObject({
        code: 'TOKEN_REPLACED',
      });
      expect(tokens.rows).toHaveLength(1);
    });

    it('commits nothing, and leaves outage mode to the unit of work, when the verifiers’ cache is unreachable', async () => {
      const { db, tokens, verifiers, replace } = tokenUseCases();
      const old = tokens.add(aToken(renewing));
      verifiers.down = true;
      await expect(db.run((tx) => replace.replace(tx, old, byWorker(now), now))).rejects.toBeInstanceOf(
        VerifierCacheUnreachableError,
      );
      expect(tokens.rows).toEqual([expect.objectContaining({ id: old.id, replacedByTokenId: null })]);
      expect(db.emitted).toEqual([]);
    });

    it('commits nothing when no Redis replica confirms the old token’s new end (503)', async () => {
      const { db, tokens, verifiers, replace } = tokenUseCases();
      const old = tokens.add(aToken(renewing));
      verifiers.unreplicated = true;
      await expect(db.run((tx) => replace.replace(tx, old, byWorker(now), now))).rejects.toMatchObject({
        code: 'REVOCATION_NOT_REPLICATED',
        status: 503,
      });
      expect(tokens.rows).toEqual([expect.objectContaining({ id: old.id, replacedByTokenId: null })]);
      expect(db.emitted).toEqual([]);
    });
  });

  describe('rotate and renew', () => {
    it.each(['rotate', 'renew'] as const)(
      "refuses to %s another person's token (403 NOT_TOKEN_OWNER): only the owner gets its plaintext",
      async (action) => {
        const { db, tokens, replace } = tokenUseCases();
        const old = tokens.add(aToken(renewing));
        await expect(
          action === 'rotate'
            ? replace.rotate(carla, old.id, 'now')
            : replace.renew(carla, old.id, { name: 'mine-now', oldTokenEndsAt: now }),
        ).rejects.toMatchObject({ code: 'NOT_TOKEN_OWNER', status: 403, extensions: { ownerId: 'alice' } });
        expect(tokens.get(old.id)?.replacedByTokenId).toBeNull();
        expect(db.emitted).toEqual([]);
      },
    );

    it('credits the successor to who rotated it, beside its owner', async () => {
      const { db, tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken());
      await replace.rotate(alice, old.id, 'now');
      expect(eventsOf(db, EventType.TokenCreated)[0].data).toMatchObject({
        createdBy: 'alice',
        performedBy: 'alice',
      });
    });

    it('records who issued the successor (issuedBy) beside the owner it acts for', async () => {
      const { tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken());
      const rotated = await replace.rotate(alice, old.id, 'now');
      expect(rotated).toMatchObject({
        createdBy: { id: 'alice', email: 'alice@acme.test' },
        issuedBy: { id: 'alice', email: alice.email },
      });
      expect(tokens.get(rotated.id)).toMatchObject({ issuedBy: 'alice', issuedByEmail: alice.email });
    });

    it('warns about personal data in the new name of a renewal (seed 004), and renews anyway', async () => {
      const { tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken());
      const renewed = await replace.renew(alice, old.id, { name: 'crm +49 30 1234567', oldTokenEndsAt: now });
      expect(renewed.warnings.map((w) => w.code)).toEqual(['NAME_CONTAINS_PHONE_NUMBER']);
      expect(tokens.get(renewed.id)?.name).toBe('crm +49 30 1234567');
    });

    it("say why in TokenRenewed, keep the old token's creator, and stop its renewals", async () => {
      const { db, tokens, renewalStops, replace } = tokenUseCases();
      const old = tokens.add(aToken(renewing));
      const rotated = await replace.rotate(alice, old.id, '1h');
      expect(rotated.createdBy.id).toBe('alice');
      expect(rotated.replaced.expiresAt).toBe(new Date(now.getTime() + 3_600_000).toISOString());
      expect(eventsOf(db, EventType.TokenRenewed)[0].data).toMatchObject({
        reason: 'rotation',
        renewedBy: 'alice',
      });
      expect(renewalStops).toEqual([{ tokenId: old.id, tx: db.handedOut[0] }]);
      expect(db.nudges).toBe(1);

      const other = tokens.add(aToken({ id: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' }));
      await replace.renew(alice, other.id, { name: 'crm-2027', oldTokenEndsAt: now });
      expect(eventsOf(db, EventType.TokenRenewed)[1].data).toMatchObject({
        reason: 'manual',
        renewedBy: 'alice',
      });
    });

    it.each(['rotate', 'renew'] as const)(
      'cannot %s a token already replaced (409 TOKEN_REPLACED): one token never becomes two',
      async (action) => {
        const { db, tokens, replace } = tokenUseCases();
        const old = tokens.add(aToken({ ...renewing, replacedByTokenId: SUCCESSOR }));
        const attempt =
          action === 'rotate'
            ? replace.rotate(alice, old.id, '1h')
            : replace.renew(alice, old.id, { name: 'second', oldTokenEndsAt: now });
        await expect(attempt).rejects.toMatchObject({
          code: 'TOKEN_REPLACED',
          status: 409,
          extensions: { replacedByTokenId: SUCCESSOR },
        });
        expect(db.emitted).toEqual([]);
      },
    );

    it('cannot renew a token past its own expiry (422 CANNOT_EXTEND_TOKEN)', async () => {
      const { tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken());
      await expect(
        replace.renew(alice, old.id, { name: 'later', oldTokenEndsAt: new Date('2028-01-01T00:00:00Z') }),
      ).rejects.toMatchObject({ code: 'CANNOT_EXTEND_TOKEN', status: 422 });
    });

    it('answers 404 for a token of another tenant, as for an unknown one', async () => {
      const { tokens, replace } = tokenUseCases();
      const old = tokens.add(aToken({ tenantId: 'globex' }));
      await expect(replace.rotate(alice, old.id, '1h')).rejects.toMatchObject({
        code: 'TOKEN_NOT_FOUND',
        status: 404,
      });
    });
  });
});
