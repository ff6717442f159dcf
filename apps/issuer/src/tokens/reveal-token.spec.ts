import type { AdminPrincipal } from '../auth/admin-principal';
import type { Token } from './token.entity';
import { assertFreshSignIn, assertRevealable } from './reveal-token';
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
