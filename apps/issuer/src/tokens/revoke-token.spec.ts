import { EventType } from '@latchkey/contracts';
import { aToken, carla, eventsOf, renewing, tokenUseCases } from './testing/token-use-cases';
import { TokenErrorCode } from './tokens.errors';

const now = new Date('2026-11-23T12:00:00.000Z');

describe('RevokeToken', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('revokes, ends the schedule, stops renewals and tells the verifiers, in one transaction', async () => {
    const { db, tokens, published, renewalStops, revoke } = tokenUseCases();
    const token = tokens.add(aToken(renewing));
    const view = await revoke.execute(carla, token.id);
    expect(view).toMatchObject({ status: 'revoked', autoRenewal: { nextRenewalAt: null } });
    expect(tokens.get(token.id)).toMatchObject({
      status: 'revoked',
      revokedBy: 'carla',
      renewalNextAt: null,
    });
    expect(renewalStops).toEqual([{ tokenId: token.id, tx: db.handedOut[0] }]);
    expect(published).toEqual([expect.objectContaining({ id: token.id, status: 'revoked' })]);
    expect(eventsOf(db, EventType.TokenRevoked).map((e) => e.data)).toEqual([
      {
        tokenId: token.id,
        revokedBy: 'carla',
        revokedAt: now.toISOString(),
        ownerId: 'alice',
        technicalOwner: null,
        reason: 'manual',
      },
    ]);
  });

  it("names the token's technical owner in TokenRevoked, for the worker to mail them (seed 004)", async () => {
    const { db, tokens, revoke } = tokenUseCases();
    const token = tokens.add(
      aToken({ technicalOwnerEmail: 'platform@acme.test', technicalOwnerName: 'Platform team' }),
    );
    await revoke.execute(carla, token.id);
    expect(eventsOf(db, EventType.TokenRevoked)[0].data).toMatchObject({
      technicalOwner: { email: 'platform@acme.test', name: 'Platform team' },
    });
  });

  it('changes nothing when no Redis replica confirms the revocation (503 REVOCATION_NOT_REPLICATED)', async () => {
    const { db, tokens, verifiers, revoke } = tokenUseCases();
    const token = tokens.add(aToken());
    verifiers.unreplicated = true;
    await expect(revoke.execute(carla, token.id)).rejects.toMatchObject({
      code: TokenErrorCode.RevocationNotReplicated,
      status: 503,
    });
    expect(tokens.get(token.id)?.status).toBe('active');
    expect(db.emitted).toEqual([]);
  });

  it('cannot be undone or repeated (409 TOKEN_ALREADY_REVOKED)', async () => {
    const { tokens, revoke } = tokenUseCases();
    const token = tokens.add(aToken({ status: 'revoked', revokedAt: now }));
    await expect(revoke.execute(carla, token.id)).rejects.toMatchObject({
      code: TokenErrorCode.AlreadyRevoked,
      status: 409,
    });
  });

  it('lets a member revoke only what they created: others’ tokens are 404, as unknown ones', async () => {
    const { tokens, revoke } = tokenUseCases();
    const token = tokens.add(aToken());
    await expect(revoke.execute({ ...carla, role: 'member' }, token.id)).rejects.toMatchObject({
      code: TokenErrorCode.NotFound,
      status: 404,
    });
    expect(tokens.get(token.id)?.status).toBe('active');
  });
});
