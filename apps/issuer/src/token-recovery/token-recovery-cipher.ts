import {
  openSigningSecret,
  sealSigningSecret,
  type SigningSecretKeyring,
  signingSecretKeyring,
} from '../signing-secrets/signing-secret-cipher';

/**
 * Recoverable tokens at rest (seed 003): the same AES-256-GCM sealing as the signing secrets (a random
 * IV per value, the key id stored with every ciphertext, a key ring for rotation), under a key of their
 * own (TOKEN_RECOVERY_KEY). The additional authenticated data is `token-recovery:<token id>`: a
 * ciphertext copied onto another token's row does not open, and neither does a signing secret's
 * ciphertext even if both were sealed under the same key.
 */
export type TokenRecoveryKeyring = SigningSecretKeyring;

export function tokenRecoveryKeyring(
  currentId: string,
  currentKey: Buffer,
  previous: ReadonlyArray<readonly [string, Buffer]> = [],
): TokenRecoveryKeyring {
  return signingSecretKeyring(currentId, currentKey, previous);
}

/** A stored recoverable token that does not decrypt: its key left the ring, or the row was altered or moved. */
export class RecoverableTokenUnreadableError extends Error {
  constructor(tokenId: string) {
    super(
      `The recoverable copy of token ${tokenId} cannot be decrypted: the key it was stored under is not ` +
        'among TOKEN_RECOVERY_KEY and TOKEN_RECOVERY_PREVIOUS_KEYS, or the row was altered.',
    );
    this.name = 'RecoverableTokenUnreadableError';
  }
}

function aad(tokenId: string): string {
  return `token-recovery:${tokenId}`;
}

export function sealRecoverableToken(ring: TokenRecoveryKeyring, tokenId: string, plaintext: string): string {
  return sealSigningSecret(ring, aad(tokenId), plaintext);
}

/** The plaintext token; throws RecoverableTokenUnreadableError when the ciphertext does not verify. */
export function openRecoverableToken(ring: TokenRecoveryKeyring, tokenId: string, stored: string): string {
  try {
    return openSigningSecret(ring, aad(tokenId), stored);
  } catch {
    throw new RecoverableTokenUnreadableError(tokenId);
  }
}
