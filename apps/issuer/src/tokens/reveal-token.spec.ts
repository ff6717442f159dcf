import type { AdminPrincipal } from '../auth/admin-principal';
import type { Token } from './token.entity';
import { EventType } from '@latchkey/contracts';
import type { IssuerConfig } from '../config';
import { FakeTransactions } from '../outbox/testing/fake-transactions';
import type { UnitOfWork } from '../outbox/unit-of-work';
import { RecoverableTokenUnreadableError } from '../token-recovery/token-recovery-cipher';
import type { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
import type { TenantPolicyService } from '../tenants/tenant-policy.service';
import { DEFAULT_GOVERNANCE } from '../tenants/governance-policy';
import type { TokensRepository } from './tokens.repository';
import { assertFreshSignIn, assertRevealable, RevealToken } from './reveal-token';
import { TokenErrorCode } from './tokens.errors';
import { tokenUseCases } from './testing/token-use-cases';

const NOW = new Date('2026-12-01T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

function principal(overrides: Partial<AdminPrincipal> = {}): AdminPrincipal {
  return {
    userId: 'olga',
    tenantId: 'acme',
    role: 'owner',
    email: 'olga@acme.test',
    emailVerified: true,
    authTime: nowSeconds - 10,
    ...overrides,
  };
}

function token(overrides: Partial<Token> = {}): Token {
  return {
    id: 'b5f0c1de-0000-4000-8000-000000000001',
    tenantId: 'acme',
    createdBy: 'olga',
    status: 'active',
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  } as Token;
}

describe('assertFreshSignIn', () => {
  it('accepts a sign-in within the maximum age, the limit included', () => {
    expect(() => assertFreshSignIn(principal(), NOW, 300)).not.toThrow();
    expect(() => assertFreshSignIn(principal({ authTime: nowSeconds - 300 }), NOW, 300)).not.toThrow();
  });

  it.each([
    ['no auth_time', null],
    ['an older sign-in', nowSeconds - 301],
    ['a sign-in from the future', nowSeconds + 600],
  ])('refuses %s with 401 FRESH_SIGN_IN_REQUIRED', (_, authTime) => {
    expect(() => assertFreshSignIn(principal({ authTime }), NOW, 300)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.FreshSignInRequired, status: 401 }),
    );
  });

  it('follows the configured maximum age', () => {
    expect(() => assertFreshSignIn(principal({ authTime: nowSeconds - 100 }), NOW, 60)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.FreshSignInRequired }),
    );
  });
});

describe('assertRevealable', () => {
  it("reveals the owner's live token", () => {
    expect(() => assertRevealable(principal(), token(), NOW)).not.toThrow();
  });

  it('refuses anyone but the owner (403), another owner or admin of the tenant included', () => {
    expect(() => assertRevealable(principal({ userId: 'adam', role: 'admin' }), token(), NOW)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.NotTokenOwner, status: 403 }),
    );
  });

  it('refuses a revoked or expired token (409)', () => {
    expect(() => assertRevealable(principal(), token({ status: 'revoked', revokedAt: NOW }), NOW)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.Revoked, status: 409 }),
    );
    const expired = token({ expiresAt: new Date(NOW.getTime() - 1000) });
    expect(() => assertRevealable(principal(), expired, NOW)).toThrow(
      expect.objectContaining({ code: TokenErrorCode.Expired, status: 409 }),
    );
  });
});

describe('token issuance keeps recoverable copies (seed 003)', () => {
  const owner = principal();

  it("keeps a new token's plaintext only for a tenant with recoverable tokens on", async () => {
    const on = tokenUseCases({ recoverable: ['acme'] });
    const created = await on.create.execute(owner, { name: 'ci' });
    expect(on.recovered.get(created.id)).toBe(created.token);

    const off = tokenUseCases();
    const plain = await off.create.execute(owner, { name: 'ci' });
    expect(off.recovered.size).toBe(0);
    expect(plain.token).toBeDefined();
  });

  it('keeps the successor of a rotation the same way', async () => {
    const uc = tokenUseCases({ recoverable: ['acme'] });
    const created = await uc.create.execute(owner, { name: 'ci' });
    const rotated = await uc.replace.rotate(owner, created.id, 'now');
    expect(uc.recovered.get(rotated.id)).toBe(rotated.token);
  });
});

describe('RevealToken', () => {
  function setUp(open: () => Promise<string | null>) {
    const db = new FakeTransactions();
    const record = token();
    const reveal = new RevealToken(
      db as unknown as UnitOfWork,
      { lockVisible: () => Promise.resolve(record) } as unknown as TokensRepository,
      { open } as unknown as TokenRecoveryStore,
      { governance: () => Promise.resolve({ ...DEFAULT_GOVERNANCE }) } as unknown as TenantPolicyService,
      { TOKEN_REVEAL_MAX_AUTH_AGE_SECONDS: 300 } as IssuerConfig,
    );
    return { db, record, reveal };
  }
  const fresh = () => principal({ authTime: Math.floor(Date.now() / 1000) });

  it('answers the kept plaintext and announces the reveal, without the plaintext, in the same transaction', async () => {
    const { db, record, reveal } = setUp(() => Promise.resolve('lk_kept'));
    await expect(reveal.execute(fresh(), record.id)).resolves.toMatchObject({
      id: record.id,
      token: 'lk_kept',
    });
    expect(db.emitted).toHaveLength(1);
    expect(db.emitted[0]).toMatchObject({
      type: EventType.TokenRevealed,
      fields: { subject: record.id, tenantId: 'acme', data: { tokenId: record.id, revealedBy: 'olga' } },
    });
    expect(JSON.stringify(db.emitted)).not.toContain('lk_kept');
  });

  it('refuses a token with no kept copy (409) and announces nothing', async () => {
    const { db, record, reveal } = setUp(() => Promise.resolve(null));
    await expect(reveal.execute(fresh(), record.id)).rejects.toMatchObject({
      code: TokenErrorCode.NotRecoverable,
      status: 409,
    });
    expect(db.emitted).toEqual([]);
  });

  it('answers a copy no configured key opens with a clear 409, not a 500', async () => {
    const { db, record, reveal } = setUp(() =>
      Promise.reject(new RecoverableTokenUnreadableError(record.id)),
    );
    await expect(reveal.execute(fresh(), record.id)).rejects.toMatchObject({
      code: TokenErrorCode.NotRecoverable,
      detail: expect.stringContaining('cannot be decrypted'),
    });
    expect(db.emitted).toEqual([]);
  });

  it('checks the sign-in before reading anything', async () => {
    const open = jest.fn(() => Promise.resolve('lk_kept'));
    const { record, reveal } = setUp(open);
    await expect(reveal.execute(principal({ authTime: null }), record.id)).rejects.toMatchObject({
      code: TokenErrorCode.FreshSignInRequired,
    });
    expect(open).not.toHaveBeenCalled();
  });
});
