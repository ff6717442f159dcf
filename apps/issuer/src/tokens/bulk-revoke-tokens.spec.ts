import { EventType } from '@latchkey/contracts';
import { TenantErrorCode } from '../tenants/tenants.errors';
import { aToken, carla, eventsOf, renewing, tokenUseCases } from './testing/token-use-cases';
import { TokenErrorCode } from './tokens.errors';

const now = new Date('2026-11-23T12:00:00.000Z');
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const hash = (n: number) => String(n).padStart(64, '0');
const tokenN = (n: number, extra: Parameters<typeof aToken>[0] = {}) =>
  aToken({ id: id(n), tokenHash: hash(n), ...extra });

describe('BulkRevokeTokens', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('revokes each named token as a single revoke would, in one transaction and one cache write', async () => {
    const { db, tokens, published, cacheWrites, renewalStops, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(1, renewing));
    tokens.add(tokenN(2, { technicalOwnerEmail: 'platform@acme.test', technicalOwnerName: null }));
    const result = await bulkRevoke.execute(carla, { ids: [id(2), id(1)] });
    expect(result).toEqual({
      results: [
        { tokenId: id(2), outcome: 'revoked' },
        { tokenId: id(1), outcome: 'revoked' },
      ],
      revoked: 2,
    });
    for (const n of [1, 2]) {
      expect(tokens.get(id(n))).toMatchObject({
        status: 'revoked',
        revokedAt: now,
        revokedBy: 'carla',
        renewalNextAt: null,
      });
    }
    expect(db.handedOut).toHaveLength(1);
    expect(renewalStops.map((s) => s.tokenId)).toEqual([id(2), id(1)]);
    expect(cacheWrites).toEqual([2]);
    expect(published.map((t) => [t.id, t.status])).toEqual([
      [id(2), 'revoked'],
      [id(1), 'revoked'],
    ]);
    // One TokenRevoked per token: the audit log records each, the worker mails each owner.
    expect(eventsOf(db, EventType.TokenRevoked).map((e) => e.data)).toEqual([
      {
        tokenId: id(2),
        revokedBy: 'carla',
        revokedAt: now.toISOString(),
        ownerId: 'alice',
        technicalOwner: { email: 'platform@acme.test', name: null },
      },
      {
        tokenId: id(1),
        revokedBy: 'carla',
        revokedAt: now.toISOString(),
        ownerId: 'alice',
        technicalOwner: null,
      },
    ]);
  });

  it('answers already_revoked, not_found and forbidden per token, and revokes the rest', async () => {
    const { db, tokens, bulkRevoke } = tokenUseCases({
      governance: { adminRevocation: 'agent_tokens_only' },
    });
    tokens.add(tokenN(1, { purpose: 'agent', status: 'revoked', revokedAt: now, revokedBy: 'alice' }));
    tokens.add(tokenN(2, { purpose: 'integration' }));
    tokens.add(tokenN(3, { purpose: 'agent' }));
    tokens.add(tokenN(4, { tenantId: 'globex' }));
    tokens.add(tokenN(5, { createdBy: 'carla', purpose: 'integration' }));
    const result = await bulkRevoke.execute(carla, { ids: [1, 2, 3, 4, 5, 6].map(id) });
    expect(result.results).toEqual([
      { tokenId: id(1), outcome: 'already_revoked', code: TokenErrorCode.AlreadyRevoked },
      { tokenId: id(2), outcome: 'forbidden', code: TenantErrorCode.PolicyRevocationAgentTokensOnly },
      { tokenId: id(3), outcome: 'revoked' },
      { tokenId: id(4), outcome: 'not_found', code: TokenErrorCode.NotFound },
      { tokenId: id(5), outcome: 'revoked' },
      { tokenId: id(6), outcome: 'not_found', code: TokenErrorCode.NotFound },
    ]);
    expect(result.revoked).toBe(2);
    expect(tokens.get(id(1))?.revokedBy).toBe('alice');
    expect(tokens.get(id(2))?.status).toBe('active');
    expect(tokens.get(id(4))?.status).toBe('active');
    expect(eventsOf(db, EventType.TokenRevoked).map((e) => e.subject)).toEqual([id(3), id(5)]);
  });

  it("keeps a member to their own tokens: another person's are not_found, as unknown ones", async () => {
    const { tokens, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(1));
    tokens.add(tokenN(2, { createdBy: 'carla' }));
    const result = await bulkRevoke.execute({ ...carla, role: 'member' }, { ids: [id(1), id(2)] });
    expect(result.results.map((r) => r.outcome)).toEqual(['not_found', 'revoked']);
    expect(tokens.get(id(1))?.status).toBe('active');
  });

  it('names each repeated id once', async () => {
    const { db, tokens, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(1));
    const result = await bulkRevoke.execute(carla, { ids: [id(1), id(1).toUpperCase()] });
    expect(result).toEqual({ results: [{ tokenId: id(1), outcome: 'revoked' }], revoked: 1 });
    expect(eventsOf(db, EventType.TokenRevoked)).toHaveLength(1);
  });

  it('revokes every live token of one person when the confirmed count is right (offboarding)', async () => {
    const { tokens, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(3));
    tokens.add(tokenN(1));
    tokens.add(tokenN(2, { expiresAt: new Date('2026-11-01T00:00:00.000Z') }));
    tokens.add(tokenN(4, { status: 'revoked', revokedAt: now, revokedBy: 'alice' }));
    tokens.add(tokenN(5, { createdBy: 'carla' }));
    const result = await bulkRevoke.execute(carla, { createdBy: 'alice', expectedCount: 2 });
    expect(result).toEqual({
      results: [
        { tokenId: id(1), outcome: 'revoked' },
        { tokenId: id(3), outcome: 'revoked' },
      ],
      revoked: 2,
    });
    expect(tokens.get(id(5))?.status).toBe('active');
  });

  it('revokes nothing when the confirmed count is not the live count now (409, with the count)', async () => {
    const { db, tokens, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(1));
    tokens.add(tokenN(2));
    await expect(bulkRevoke.execute(carla, { createdBy: 'alice', expectedCount: 1 })).rejects.toMatchObject({
      code: TokenErrorCode.BulkRevokeCountMismatch,
      status: 409,
      extensions: { count: 2, expectedCount: 1 },
    });
    expect(tokens.rows.map((t) => t.status)).toEqual(['active', 'active']);
    expect(db.emitted).toEqual([]);
  });

  it.each([
    ['neither ids nor createdBy', {}],
    ['both ids and createdBy', { ids: [id(1)], createdBy: 'alice', expectedCount: 1 }],
    ['createdBy without expectedCount', { createdBy: 'alice' }],
    ['expectedCount with ids', { ids: [id(1)], expectedCount: 1 }],
  ])('refuses %s (400 BULK_REVOKE_TARGET_INVALID)', async (_label, body) => {
    const { tokens, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(1));
    await expect(bulkRevoke.execute(carla, body)).rejects.toMatchObject({
      code: TokenErrorCode.BulkRevokeTargetInvalid,
      status: 400,
    });
    expect(tokens.get(id(1))?.status).toBe('active');
  });

  it('changes nothing when no Redis replica confirms the revocations (503)', async () => {
    const { db, tokens, verifiers, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(1));
    tokens.add(tokenN(2));
    verifiers.unreplicated = true;
    await expect(bulkRevoke.execute(carla, { ids: [id(1), id(2)] })).rejects.toMatchObject({
      code: TokenErrorCode.RevocationNotReplicated,
      status: 503,
    });
    expect(tokens.rows.map((t) => t.status)).toEqual(['active', 'active']);
    expect(db.emitted).toEqual([]);
  });

  it('writes no cache entry when nothing was revoked', async () => {
    const { tokens, cacheWrites, bulkRevoke } = tokenUseCases();
    tokens.add(tokenN(1, { status: 'revoked', revokedAt: now, revokedBy: 'alice' }));
    const result = await bulkRevoke.execute(carla, { ids: [id(1)] });
    expect(result.revoked).toBe(0);
    expect(cacheWrites).toEqual([]);
  });
});
