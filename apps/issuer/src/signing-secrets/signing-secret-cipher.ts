import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Signing secrets at rest: AES-256-GCM under SIGNING_SECRET_ENCRYPTION_KEY, a random 12-byte IV per
 * secret, and the row id as additional authenticated data, so a ciphertext copied into another row (or
 * another tenant's) does not decrypt. Stored as `<key id>:<base64 of iv | tag | ciphertext>`: the key id
 * names the key that sealed it, so the key can rotate (new secrets under the new key, older ones still
 * opened with the previous keys). A value without a key id (stored before ids existed) is opened with
 * whichever key of the ring authenticates it.
 */
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The keys that open stored secrets, by id; `currentId` seals new ones. */
export interface SigningSecretKeyring {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** A ring of the current key and any previous ones (`id:base64` entries, comma-separated). */
export function signingSecretKeyring(
  currentId: string,
  currentKey: Buffer,
  previous: ReadonlyArray<readonly [string, Buffer]> = [],
): SigningSecretKeyring {
  const keys = new Map<string, Buffer>();
  for (const [id, key] of [[currentId, currentKey] as const, ...previous]) {
    if (!KEY_ID_PATTERN.test(id)) throw new RangeError(`key id "${id}" must be 1-32 of A-Z a-z 0-9 _ -`);
    assertKey(key);
    if (keys.has(id)) throw new RangeError(`key id "${id}" is used twice`);
    keys.set(id, key);
  }
  return { currentId, keys };
}

/** Parses `id:base64key[,id:base64key…]`; throws an Error naming the first bad entry. */
export function parsePreviousKeys(text: string | undefined): Array<[string, Buffer]> {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (colon <= 0 || !KEY_ID_PATTERN.test(id) || key.length !== KEY_BYTES) {
        throw new Error(`"${id || entry.slice(0, 8)}…" is not <key id>:<32 bytes in base64>`);
      }
      return [id, key];
    });
}

/** A stored secret that does not decrypt: the key changed, or the row was altered or moved. */
export class SigningSecretUnreadableError extends Error {
  constructor(rowId: string) {
    super(
      `Signing secret ${rowId} cannot be decrypted: the key it was stored under is not among ` +
        'SIGNING_SECRET_ENCRYPTION_KEY and SIGNING_SECRET_PREVIOUS_ENCRYPTION_KEYS, or the row was altered.',
    );
    this.name = 'SigningSecretUnreadableError';
  }
}

export function sealSigningSecret(ring: SigningSecretKeyring, rowId: string, secret: string): string {
  const key = ring.keys.get(ring.currentId);
  if (key === undefined) throw new RangeError(`the current key id "${ring.currentId}" has no key`);
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(rowId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${ring.currentId}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
}

/** The plaintext secret of a stored row; throws SigningSecretUnreadableError when it does not verify. */
export function openSigningSecret(ring: SigningSecretKeyring, rowId: string, stored: string): string {
  const colon = stored.indexOf(':');
  if (colon < 0) {
    // Stored before key ids (base64 has no colon): whichever key authenticates it sealed it.
    for (const key of ring.keys.values()) {
      try {
        return openWith(key, rowId, stored);
      } catch {
        // the next key, if any
      }
    }
    throw new SigningSecretUnreadableError(rowId);
  }
  const key = ring.keys.get(stored.slice(0, colon));
  if (key === undefined) throw new SigningSecretUnreadableError(rowId);
  return openWith(key, rowId, stored.slice(colon + 1));
}

function openWith(key: Buffer, rowId: string, sealed: string): string {
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
