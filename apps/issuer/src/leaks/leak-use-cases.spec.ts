import { randomUUID } from 'node:crypto';
import { EventType } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import type { TokensRepository } from '../tokens/tokens.repository';
import type { UnitOfWork } from '../outbox/unit-of-work';
import { aToken, eventsOf, renewing, tokenUseCases } from '../tokens/testing/token-use-cases';
import type { ReportedLeak } from './leak-report';
import { LeakErrorCode } from './leaks.errors';
import { LEAK_REPORTER, ReportLeaks, SECRET_SCANNING_ACTOR } from './report-leaks';
import { RevokeSelf } from './revoke-self';

const now = new Date('2026-11-23T12:00:00.000Z');

function leakUseCases() {
  const cases = tokenUseCases();
  const unitOfWork = cases.db as unknown as UnitOfWork;
  const repository = cases.tokens as unknown as TokensRepository;
  /** A stored token (in any tenant) and its plaintext. */
  const stored = (extra: Parameters<typeof aToken>[0] = {}) => {
    const generated = generateToken();
    const token = cases.tokens.add(
      aToken({ id: randomUUID(), tokenHash: generated.hash, keyPrefix: generated.keyPrefix, ...extra }),
    );
    return { ...token, plaintext: generated.token };
  };
  return {
    ...cases,
    stored,
    report: new ReportLeaks(unitOfWork, repository, cases.revocation),
    revokeSelf: new RevokeSelf(unitOfWork, repository, cases.revocation),
  };
}

const leak = (token: string, extra: Partial<ReportedLeak> = {}): ReportedLeak => ({
  token,
  type: 'latchkey_api_token',
  url: 'https://github.com/octo/app/blob/abc/config.js',
  source: 'content',
  ...extra,
});

describe('ReportLeaks', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('revokes a live token of any tenant with reason leaked, keeping where it was found', async () => {
    const { db, tokens, published, renewalStops, stored, report } = leakUseCases();
    const token = stored({ tenantId: 'globex', ...renewing, technicalOwnerEmail: 'ops@globex.test' });
    const outcomes = await report.execute([leak(token.plaintext)]);
    expect(outcomes).toEqual([
      { token_raw: token.plaintext, token_type: 'latchkey_api_token', label: 'true_positive' },
    ]);
    expect(tokens.get(token.id)).toMatchObject({
      status: 'revoked',
      revokedBy: SECRET_SCANNING_ACTOR,
      revokedAt: now,
      renewalNextAt: null,
    });
    expect(renewalStops.map((s) => s.tokenId)).toEqual([token.id]);
    expect(published).toEqual([expect.objectContaining({ id: token.id, status: 'revoked' })]);
    const events = eventsOf(db, EventType.TokenRevoked);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subject: token.id, tenantId: 'globex' });
    expect(events[0].data).toEqual({
      tokenId: token.id,
      revokedBy: SECRET_SCANNING_ACTOR,
      revokedAt: now.toISOString(),
      ownerId: 'alice',
      technicalOwner: { email: 'ops@globex.test', name: null },
      reason: 'leaked',
      leak: {
        reporter: LEAK_REPORTER,
        type: 'latchkey_api_token',
        url: 'https://github.com/octo/app/blob/abc/config.js',
        source: 'content',
      },
    });
    // The event (and so the audit log) never carries the token itself.
    expect(JSON.stringify(db.emitted)).not.toContain(token.plaintext);
  });

  it('answers every token in order, changing nothing for dead, unknown and lookalike ones', async () => {
    const { db, tokens, stored, report } = leakUseCases();
    const revoked = stored({ status: 'revoked', revokedAt: new Date('2026-11-01'), revokedBy: 'carla' });
    const expired = stored({ expiresAt: new Date('2026-11-22T00:00:00.000Z') });
    const unknown = generateToken().token;
    const lookalike = `${unknown.slice(0, -1)}${unknown.endsWith('A') ? 'B' : 'A'}`;
    const outcomes = await report.execute(
      [revoked.plaintext, expired.plaintext, unknown, lookalike, 'ghp_notours'].map((t) => leak(t)),
    );
    expect(outcomes.map((o) => [o.token_raw, o.label])).toEqual([
      [revoked.plaintext, 'true_positive'],
      [expired.plaintext, 'true_positive'],
      [unknown, 'false_positive'],
      [lookalike, 'false_positive'],
      ['ghp_notours', 'false_positive'],
    ]);
    expect(db.emitted).toEqual([]);
    expect(tokens.get(revoked.id)).toMatchObject({ revokedBy: 'carla' });
    expect(tokens.get(expired.id)?.status).toBe('active');
    // A string not shaped like a token costs no lookup: only the three well-formed ones opened one.
    expect(db.handedOut).toHaveLength(3);
  });

  it('revokes a token listed twice once, and calls both true positives', async () => {
    const { db, stored, report } = leakUseCases();
    const token = stored();
    const outcomes = await report.execute([leak(token.plaintext), leak(token.plaintext, { url: null })]);
    expect(outcomes.map((o) => o.label)).toEqual(['true_positive', 'true_positive']);
    expect(eventsOf(db, EventType.TokenRevoked)).toHaveLength(1);
  });

  it('fails (503) and changes nothing when the verifiers cannot confirm the revocation', async () => {
    const { db, tokens, verifiers, stored, report } = leakUseCases();
    const token = stored();
    verifiers.unreplicated = true;
    await expect(report.execute([leak(token.plaintext)])).rejects.toMatchObject({
      code: 'REVOCATION_NOT_REPLICATED',
      status: 503,
    });
    expect(tokens.get(token.id)?.status).toBe('active');
    expect(db.emitted).toEqual([]);
  });
});

describe('RevokeSelf', () => {
  beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('revokes the presented live token with the token itself as the actor', async () => {
    const { db, tokens, published, stored, revokeSelf } = leakUseCases();
    const token = stored({ tenantId: 'initech' });
    await revokeSelf.execute(token.plaintext);
    expect(tokens.get(token.id)).toMatchObject({ status: 'revoked', revokedBy: `token:${token.id}` });
    expect(published.map((t) => t.id)).toEqual([token.id]);
    expect(eventsOf(db, EventType.TokenRevoked).map((e) => e.data)).toEqual([
      expect.objectContaining({ revokedBy: `token:${token.id}`, reason: 'holder', ownerId: 'alice' }),
    ]);
  });

  it('answers an unknown, revoked or expired token as it answers a live one, changing nothing', async () => {
    const { db, stored, revokeSelf } = leakUseCases();
    const revoked = stored({ status: 'revoked', revokedAt: new Date('2026-11-01'), revokedBy: 'carla' });
    const expired = stored({ expiresAt: new Date('2026-11-22T00:00:00.000Z') });
    for (const token of [generateToken().token, revoked.plaintext, expired.plaintext]) {
      await expect(revokeSelf.execute(token)).resolves.toBeUndefined();
    }
    expect(db.emitted).toEqual([]);
  });

  it('refuses what is not shaped like a token (400 TOKEN_MALFORMED) without a lookup', async () => {
    const { db, revokeSelf } = leakUseCases();
    const valid = generateToken().token;
    for (const bad of ['', 'lk_short', `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`, 'ghp_x']) {
      await expect(revokeSelf.execute(bad)).rejects.toMatchObject({
        code: LeakErrorCode.TokenMalformed,
        status: 400,
      });
    }
    expect(db.handedOut).toEqual([]);
  });
});
