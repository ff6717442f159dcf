import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Signing secrets at rest: AES-256-GCM under SIGNING_SECRET_ENCRYPTION_KEY, a random 12-byte IV per
 * secret, and the row id as additional authenticated data, so a ciphertext copied into another row (or
 * another tenant's) does not decrypt. Stored as base64 of `iv | tag | ciphertext`.
 */
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret that does not decrypt: the key changed, or the row was altered or moved. */
export class SigningSecretUnreadableError extends Error {
  constructor(rowId: string) {
    super(
      `Signing secret ${rowId} cannot be decrypted: SIGNING_SECRET_ENCRYPTION_KEY differs from the key ` +
        'it was stored under, or the row was altered.',
    );
    this.name = 'SigningSecretUnreadableError';
  }
}

export function sealSigningSecret(key: Buffer, rowId: string, secret: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(rowId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

/** The plaintext secret of a stored row; throws SigningSecretUnreadableError when it does not verify. */
export function openSigningSecret(key: Buffer, rowId: string, sealed: string): string {
  assertKey(key);
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw new SigningSecretUnreadableError(rowId);
  const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(rowId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SigningSecretUnreadableError(rowId);
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError('the signing secret encryption key must be 32 bytes');
}
