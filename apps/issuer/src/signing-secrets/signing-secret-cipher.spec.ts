import { randomBytes } from 'node:crypto';
import { generateSigningSecret } from '@latchkey/callback-signing';
import {
  openSigningSecret,
  parsePreviousKeys,
  sealSigningSecret,
  signingSecretKeyring,
  SigningSecretUnreadableError,
} from './signing-secret-cipher';

const key = signingSecretKeyring('k1', randomBytes(32));
const rowId = '5a7c2e10-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const otherRowId = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';

/** The stored value with one bit flipped at `index` (of iv | tag | ciphertext). */
function flipped(stored: string, index: number): string {
  const [id, sealed] = stored.split(':');
  const bytes = Buffer.from(sealed, 'base64');
  bytes[index] ^= 0x01;
  return `${id}:${bytes.toString('base64')}`;
}

/** The base64 part of a stored value (what was stored before key ids). */
const sealedPart = (stored: string): string => stored.split(':')[1];

/** The error `action` throws; fails the test when it returns instead. */
function failureOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, but it returned');
}

describe('signing secrets at rest', () => {
  const secret = generateSigningSecret();

  it('decrypts what it encrypted', () => {
    const sealed = sealSigningSecret(key, rowId, secret);
    expect(openSigningSecret(key, rowId, sealed)).toBe(secret);
  });

  it('never stores the plaintext, and uses a fresh IV every time', () => {
    const first = sealSigningSecret(key, rowId, secret);
    const second = sealSigningSecret(key, rowId, secret);
    expect(first).not.toBe(second);
    expect(first).not.toContain(secret.slice(6));
    expect(Buffer.from(sealedPart(first), 'base64').toString('latin1')).not.toContain(secret);
    // k1: iv (12) | tag (16) | ciphertext (as long as the secret)
    expect(first.startsWith('k1:')).toBe(true);
    expect(Buffer.from(sealedPart(first), 'base64')).toHaveLength(12 + 16 + Buffer.byteLength(secret));
  });

  it.each([
    ['the IV', 0],
    ['the tag', 12],
    ['the ciphertext', 28],
  ])('detects a change to %s', (_part, index) => {
    const sealed = flipped(sealSigningSecret(key, rowId, secret), index);
    expect(() => openSigningSecret(key, rowId, sealed)).toThrow(SigningSecretUnreadableError);
  });

  it('refuses a ciphertext moved to another row (the row id is authenticated)', () => {
    const sealed = sealSigningSecret(key, rowId, secret);
    expect(() => openSigningSecret(key, otherRowId, sealed)).toThrow(SigningSecretUnreadableError);
  });

  it('refuses to decrypt under another key', () => {
    const sealed = sealSigningSecret(key, rowId, secret);
    expect(() => openSigningSecret(signingSecretKeyring('k1', randomBytes(32)), rowId, sealed)).toThrow(
      SigningSecretUnreadableError,
    );
  });

  it('refuses a truncated value, and never names the secret in the error', () => {
    const sealed = sealSigningSecret(key, rowId, secret);
    const truncated = `k1:${Buffer.from(sealedPart(sealed), 'base64').subarray(0, 28).toString('base64')}`;
    expect(() => openSigningSecret(key, rowId, truncated)).toThrow(SigningSecretUnreadableError);
    const error = failureOf(() => openSigningSecret(key, rowId, flipped(sealed, 30)));
    expect(error).toBeInstanceOf(SigningSecretUnreadableError);
    expect(error.message).toContain(rowId);
    expect(error.message).not.toContain(secret);
  });

  it('needs a 32-byte key', () => {
    expect(() => signingSecretKeyring('k1', randomBytes(16))).toThrow(RangeError);
  });

  describe('key ids, so the key can rotate', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = signingSecretKeyring('2025', oldKey);
    const after = signingSecretKeyring('2026', newKey, [['2025', oldKey]]);

    it('stores the id of the key that sealed each secret, and opens it with that key after a rotation', () => {
      const sealedBefore = sealSigningSecret(before, rowId, secret);
      const sealedAfter = sealSigningSecret(after, rowId, secret);

      expect(sealedBefore.startsWith('2025:')).toBe(true);
      expect(sealedAfter.startsWith('2026:')).toBe(true);
      expect(openSigningSecret(after, rowId, sealedBefore)).toBe(secret);
      expect(openSigningSecret(after, rowId, sealedAfter)).toBe(secret);
    });

    it('refuses a key id the ring does not hold', () => {
      const sealed = sealSigningSecret(after, rowId, secret);
      expect(() => openSigningSecret(before, rowId, sealed)).toThrow(SigningSecretUnreadableError);
    });

    it('still opens a ciphertext stored without a key id, with whichever key of the ring sealed it', () => {
      const legacy = sealedPart(sealSigningSecret(before, rowId, secret));
      expect(legacy).not.toContain(':');

      expect(openSigningSecret(before, rowId, legacy)).toBe(secret);
      expect(openSigningSecret(after, rowId, legacy)).toBe(secret);
      expect(() => openSigningSecret(signingSecretKeyring('x', randomBytes(32)), rowId, legacy)).toThrow(
        SigningSecretUnreadableError,
      );
    });

    it('reads previous keys from id:base64 entries', () => {
      expect(parsePreviousKeys(` 2025:${oldKey.toString('base64')} `)).toEqual([['2025', oldKey]]);
      expect(parsePreviousKeys('')).toEqual([]);
      expect(() => parsePreviousKeys('2025')).toThrow();
      expect(() => parsePreviousKeys(`bad id:${oldKey.toString('base64')}`)).toThrow();
      expect(() => parsePreviousKeys(`2025:${randomBytes(16).toString('base64')}`)).toThrow();
    });
  });
});
