import { randomBytes } from 'node:crypto';
import { sealSigningSecret } from '../signing-secrets/signing-secret-cipher';
import {
  openRecoverableToken,
  RecoverableTokenUnreadableError,
  sealRecoverableToken,
  tokenRecoveryKeyring,
} from './token-recovery-cipher';

const TOKEN_ID = '0b4a6f3e-8c55-4d6e-9f2a-1c3b5d7e9f01';
const OTHER_ID = '7d1e2f30-4a5b-4c6d-8e9f-a0b1c2d3e4f5';
const PLAINTEXT = 'lk_live_abcdefghijklmnopqrstuvwxyz0123456789';

describe('recoverable token cipher', () => {
  const ring = tokenRecoveryKeyring('r1', randomBytes(32));

  it('opens what it sealed for the same token', () => {
    const stored = sealRecoverableToken(ring, TOKEN_ID, PLAINTEXT);
    expect(openRecoverableToken(ring, TOKEN_ID, stored)).toBe(PLAINTEXT);
  });

  it('stores the key id and never the plaintext; a random IV makes each sealing different', () => {
    const a = sealRecoverableToken(ring, TOKEN_ID, PLAINTEXT);
    const b = sealRecoverableToken(ring, TOKEN_ID, PLAINTEXT);
    expect(a.startsWith('r1:')).toBe(true);
    expect(a).not.toBe(b);
    expect(a).not.toContain(PLAINTEXT);
    expect(Buffer.from(a.slice(3), 'base64').toString('latin1')).not.toContain('lk_live');
  });

  it("binds the ciphertext to its token id: moved onto another token's row, it does not open", () => {
    const stored = sealRecoverableToken(ring, TOKEN_ID, PLAINTEXT);
    expect(() => openRecoverableToken(ring, OTHER_ID, stored)).toThrow(RecoverableTokenUnreadableError);
  });

  it("does not open a signing secret's ciphertext for the same id, even under the same key", () => {
    const secret = sealSigningSecret(ring, TOKEN_ID, PLAINTEXT);
    expect(() => openRecoverableToken(ring, TOKEN_ID, secret)).toThrow(RecoverableTokenUnreadableError);
  });

  it('refuses an altered ciphertext, and says why without the plaintext', () => {
    const stored = sealRecoverableToken(ring, TOKEN_ID, PLAINTEXT);
    const bytes = Buffer.from(stored.slice(3), 'base64');
    bytes[bytes.length - 1] ^= 1;
    const altered = `r1:${bytes.toString('base64')}`;
    let message = '';
    try {
      openRecoverableToken(ring, TOKEN_ID, altered);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/TOKEN_RECOVERY_KEY/);
    expect(message).not.toContain(PLAINTEXT);
  });

  it('opens copies sealed under a previous key after rotation, and seals new ones under the new key', () => {
    const oldKey = randomBytes(32);
    const before = tokenRecoveryKeyring('r1', oldKey);
    const stored = sealRecoverableToken(before, TOKEN_ID, PLAINTEXT);
    const after = tokenRecoveryKeyring('r2', randomBytes(32), [['r1', oldKey]]);
    expect(openRecoverableToken(after, TOKEN_ID, stored)).toBe(PLAINTEXT);
    expect(sealRecoverableToken(after, TOKEN_ID, PLAINTEXT).startsWith('r2:')).toBe(true);
    // A ring that no longer holds r1 cannot open it.
    const without = tokenRecoveryKeyring('r2', randomBytes(32));
    expect(() => openRecoverableToken(without, TOKEN_ID, stored)).toThrow(RecoverableTokenUnreadableError);
  });
});
