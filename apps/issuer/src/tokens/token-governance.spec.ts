import { TenantErrorCode } from '../tenants/tenants.errors';
import { aToken, alice, CALLBACK, carla, renewing, tokenUseCases } from './testing/token-use-cases';
import { scopeOf } from './token-rules';
import { TokenErrorCode } from './tokens.errors';

const now = new Date('2026-11-23T12:00:00.000Z');
/** Alice as a member: the owner (creator) of `aToken()`. */
const aliceMember = { ...alice, role: 'member' as const };

/** The tenant's governance policy (seeds 000, 001, 002, 004) as the token use cases apply it. */
describe('token governance', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  describe('who may issue tokens', () => {
    it('lets every member issue by default', async () => {
      const { tokens, create, replace } = tokenUseCases();
      await create.execute(aliceMember, { name: 'ci' });
      const own = tokens.add(aToken());
      await replace.rotate(aliceMember, own.id, 'now');
      expect(tokens.rows).toHaveLength(3);
    });

    it('refuses members under admins_only (403 POLICY_ISSUANCE_ADMINS_ONLY), and issues nothing', async () => {
      const { db, tokens, create, replace } = tokenUseCases({ governance: { tokenIssuance: 'admins_only' } });
      const own = tokens.add(aToken());
      const refused = { code: TenantErrorCode.PolicyIssuanceAdminsOnly, status: 403 };
      await expect(create.execute(aliceMember, { name: 'ci' })).rejects.toMatchObject(refused);
      await expect(replace.rotate(aliceMember, own.id, 'now')).rejects.toMatchObject(refused);
      await expect(
        replace.renew(aliceMember, own.id, { name: 'crm-2', oldTokenEndsAt: now }),
      ).rejects.toMatchObject(refused);
      expect(tokens.rows).toHaveLength(1);
      expect(db.emitted).toEqual([]);
    });

    it('still lets owners and admins issue under admins_only', async () => {
      const { tokens, create, replace } = tokenUseCases({ governance: { tokenIssuance: 'admins_only' } });
      await create.execute(carla, { name: 'ci' });
      await create.execute({ ...carla, role: 'owner' }, { name: 'ops' });
      const own = tokens.add(aToken());
      await replace.rotate(alice, own.id, 'now');
      expect(tokens.rows).toHaveLength(4);
    });

    it('lets a member switch auto-renewal off, but not on, under admins_only', async () => {
      const { tokens, update } = tokenUseCases({ governance: { tokenIssuance: 'admins_only' } });
      const plain = tokens.add(aToken());
      await expect(
        update.execute(aliceMember, plain.id, { autoRenewal: { everyDays: 30, callbackUrl: CALLBACK } }),
      ).rejects.toMatchObject({ code: TenantErrorCode.PolicyIssuanceAdminsOnly });
      const renewingToken = tokens.add(aToken({ ...renewing, id: '1f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f' }));
      await update.execute(aliceMember, renewingToken.id, { autoRenewal: null });
      expect(tokens.get(renewingToken.id)?.renewalEveryDays).toBeNull();
    });

    it('lets a member revoke their own token under admins_only', async () => {
      const { tokens, revoke } = tokenUseCases({ governance: { tokenIssuance: 'admins_only' } });
      const own = tokens.add(aToken());
      await revoke.execute(aliceMember, own.id);
      expect(tokens.get(own.id)?.status).toBe('revoked');
    });
  });

  describe('who sees and manages whose tokens', () => {
    it("shows admins every token of the tenant by default, and lets them revoke another person's", async () => {
      const { tokens, queries, revoke } = tokenUseCases();
      const hers = tokens.add(aToken());
      // The list reads the same scope from the database.
      expect(scopeOf(carla, { tokenVisibility: 'admins_see_all' })).toEqual({ tenantId: 'acme' });
      expect(scopeOf(aliceMember, { tokenVisibility: 'admins_see_all' })).toEqual({
        tenantId: 'acme',
        createdBy: 'alice',
      });
      await expect(queries.get(carla, hers.id)).resolves.toMatchObject({ id: hers.id });
      await revoke.execute(carla, hers.id);
      expect(tokens.get(hers.id)?.status).toBe('revoked');
    });

    it.each([
      ['an admin', carla],
      ['an owner', { ...carla, role: 'owner' as const }],
    ])(
      "hides another person's token from %s under own_tokens_only, as an unknown one (404)",
      async (_label, viewer) => {
        const { tokens, queries, revoke, update } = tokenUseCases({
          governance: { tokenVisibility: 'own_tokens_only' },
        });
        const hers = tokens.add(aToken());
        expect(scopeOf(viewer, { tokenVisibility: 'own_tokens_only' })).toEqual({
          tenantId: 'acme',
          createdBy: 'carla',
        });
        const notFound = { code: TokenErrorCode.NotFound, status: 404 };
        await expect(queries.get(viewer, hers.id)).rejects.toMatchObject(notFound);
        await expect(revoke.execute(viewer, hers.id)).rejects.toMatchObject(notFound);
        await expect(update.execute(viewer, hers.id, { description: 'mine now' })).rejects.toMatchObject(
          notFound,
        );
        expect(tokens.get(hers.id)).toMatchObject({ status: 'active', description: 'syncs contacts' });
      },
    );

    it('still shows everyone their own tokens under own_tokens_only', async () => {
      const { tokens, queries, revoke } = tokenUseCases({
        governance: { tokenVisibility: 'own_tokens_only' },
      });
      const hers = tokens.add(aToken());
      await expect(queries.get(alice, hers.id)).resolves.toMatchObject({ id: hers.id });
      await revoke.execute(alice, hers.id);
      expect(tokens.get(hers.id)?.status).toBe('revoked');
    });
  });

  describe('what admins may revoke', () => {
    it("refuses another person's integration token under agent_tokens_only (403), naming its owner", async () => {
      const { db, tokens, revoke } = tokenUseCases({ governance: { adminRevocation: 'agent_tokens_only' } });
      const hers = tokens.add(aToken());
      for (const actor of [carla, { ...carla, role: 'owner' as const }]) {
        await expect(revoke.execute(actor, hers.id)).rejects.toMatchObject({
          code: TenantErrorCode.PolicyRevocationAgentTokensOnly,
          status: 403,
          extensions: { ownerId: 'alice' },
        });
      }
      expect(tokens.get(hers.id)?.status).toBe('active');
      expect(db.emitted).toEqual([]);
    });

    it("lets admins revoke another person's agent token, and everyone their own, under agent_tokens_only", async () => {
      const { tokens, revoke } = tokenUseCases({ governance: { adminRevocation: 'agent_tokens_only' } });
      const agent = tokens.add(aToken({ purpose: 'agent' }));
      await revoke.execute(carla, agent.id);
      expect(tokens.get(agent.id)?.status).toBe('revoked');
      const own = tokens.add(aToken({ id: '1f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f', createdBy: 'carla' }));
      await revoke.execute(carla, own.id);
      expect(tokens.get(own.id)?.status).toBe('revoked');
    });

    it('answers 404, not 403, for a token the caller does not see: the policy never reveals it exists', async () => {
      const { tokens, revoke } = tokenUseCases({
        governance: { tokenVisibility: 'own_tokens_only', adminRevocation: 'agent_tokens_only' },
      });
      const hers = tokens.add(aToken());
      await expect(revoke.execute(carla, hers.id)).rejects.toMatchObject({ code: TokenErrorCode.NotFound });
    });
  });
});
