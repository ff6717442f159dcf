import {
  CHECKSUM_LENGTH,
  generateToken,
  hashToken,
  KEY_PREFIX_LENGTH,
  parseToken,
  SECRET_LENGTH,
  TOKEN_LENGTH,
  TOKEN_PREFIX,
} from './token-format';

describe('token format', () => {
  it('generates a prefixed token of fixed length with a valid checksum', () => {
    const { token } = generateToken();
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(parseToken(token)).toEqual({ ok: true, token, keyPrefix: token.slice(0, 8) });
  });

  it('carries at least 256 bits of secret', () => {
    expect(SECRET_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(256);
  });

  it('stores only the SHA-256 hash and an 8-character key prefix', () => {
    const generated = generateToken();
    expect(generated.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.hash).toBe(hashToken(generated.token));
    expect(generated.keyPrefix).toBe(generated.token.slice(0, KEY_PREFIX_LENGTH));
    expect(generated.hash).not.toContain(generated.token.slice(TOKEN_PREFIX.length, 20));
  });

  it('never generates the same token twice in a large sample', () => {
    const seen = new Set(Array.from({ length: 5_000 }, () => generateToken().token));
    expect(seen.size).toBe(5_000);
  });

  it('draws secret characters uniformly from the whole alphabet', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      for (const ch of generateToken().token.slice(TOKEN_PREFIX.length, -CHECKSUM_LENGTH)) {
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(62);
    const expected = (2_000 * SECRET_LENGTH) / 62;
    for (const n of counts.values()) {
      expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
    }
  });

  it.each([
    ['an empty string', '', 'EMPTY'],
    ['a non-string', 42, 'EMPTY'],
    ['another vendor prefix', 'ghp_' + 'a'.repeat(48), 'WRONG_PREFIX'],
    ['a truncated token', 'lk_abc', 'WRONG_LENGTH'],
    ['a token with punctuation', 'lk_' + '-'.repeat(SECRET_LENGTH + CHECKSUM_LENGTH), 'BAD_CHARACTERS'],
  ])('rejects %s', (_label, candidate, failure) => {
    expect(parseToken(candidate)).toEqual({ ok: false, failure });
  });

  it('rejects a token with one mistyped character by its checksum', () => {
    const { token } = generateToken();
    const i = TOKEN_PREFIX.length + 10;
    const typo = token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
    expect(parseToken(typo)).toEqual({ ok: false, failure: 'BAD_CHECKSUM' });
  });

  it('rejects a token whose checksum was altered', () => {
    const { token } = generateToken();
    const last = token.at(-1) === '0' ? '1' : '0';
    expect(parseToken(token.slice(0, -1) + last)).toEqual({ ok: false, failure: 'BAD_CHECKSUM' });
  });
});
