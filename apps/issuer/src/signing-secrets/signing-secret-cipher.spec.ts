import { randomBytes } from 'node:crypto';
import { generateSigningSecret } from '@latchkey/callback-signing';
import { openSigningSecret, sealSigningSecret, SigningSecretUnreadableError } from './signing-secret-cipher';

const key = randomBytes(32);
const rowId = '5a7c2e10-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const otherRowId = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';

/** The stored value with one bit flipped at `index` (of iv | tag | ciphertext). */
function flipped(sealed: string, index: number): string {
  const bytes = Buffer.from(sealed, 'base64');
  bytes[index] ^= 0x01;
  return bytes.toString('base64');
}

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
    expect(Buffer.from(first, 'base64').toString('latin1')).not.toContain(secret);
    // iv (12) | tag (16) | ciphertext (as long as the secret)
    expect(Buffer.from(first, 'base64')).toHaveLength(12 + 16 + Buffer.byteLength(secret));
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
    expect(() => openSigningSecret(randomBytes(32), rowId, sealed)).toThrow(SigningSecretUnreadableError);
  });

  it('refuses a truncated value, and never names the secret in the error', () => {
    const sealed = sealSigningSecret(key, rowId, secret);
    const truncated = Buffer.from(sealed, 'base64').subarray(0, 28).toString('base64');
    expect(() => openSigningSecret(key, rowId, truncated)).toThrow(SigningSecretUnreadableError);
    const error = failureOf(() => openSigningSecret(key, rowId, flipped(sealed, 30)));
    expect(error).toBeInstanceOf(SigningSecretUnreadableError);
    expect(error.message).toContain(rowId);
    expect(error.message).not.toContain(secret);
  });

  it('needs a 32-byte key', () => {
    expect(() => sealSigningSecret(randomBytes(16), rowId, secret)).toThrow(RangeError);
  });
});
