import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/** One key a secret scanner signs its reports with, by the identifier its reports name. */
export interface VerificationKey {
  id: string;
  key: KeyObject;
}

/** `Github-Public-Key-Identifier`: GitHub's are 64 hex characters; any short printable id is accepted. */
export const KEY_IDENTIFIER = /^[A-Za-z0-9._:-]{1,128}$/;
/** `Github-Public-Key-Signature`: base64 of an ASN.1 DER ECDSA signature (P-256: 70-72 bytes). */
const SIGNATURE = /^[A-Za-z0-9+/]{1,256}={0,2}$/;

/**
 * Whether `signature` (base64 ASN.1 DER, as the `Github-Public-Key-Signature` header carries it) is an
 * ECDSA-SHA256 signature of exactly these body bytes by `key`. Anything malformed is simply false.
 */
export function verifyLeakSignature(body: Buffer, signature: string, key: KeyObject): boolean {
  if (!SIGNATURE.test(signature)) return false;
  try {
    return verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * The keys of a document shaped like GitHub's
 * (`https://api.github.com/meta/public_keys/secret_scanning`):
 * `{"public_keys":[{"key_identifier":"…","key":"-----BEGIN PUBLIC KEY-----…","is_current":true}]}`.
 * Every listed key is trusted, current or not (reports signed just before a rotation stay valid). Throws
 * when the document is not of that shape or a key is not an elliptic-curve public key in PEM.
 */
export function parseKeysDocument(document: unknown): VerificationKey[] {
  if (typeof document !== 'object' || document === null || !('public_keys' in document)) {
    throw new Error('not a keys document: expected {"public_keys": [...]}');
  }
  const entries: unknown = document.public_keys;
  if (!Array.isArray(entries)) throw new Error('public_keys must be an array');
  return entries.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new Error(`public_keys[${index}] is not an object`);
    const { key_identifier: id, key: pem } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || !KEY_IDENTIFIER.test(id)) {
      throw new Error(`public_keys[${index}].key_identifier must be 1-128 of A-Z a-z 0-9 . _ : -`);
    }
    if (typeof pem !== 'string') throw new Error(`public_keys[${index}].key must be a PEM public key`);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: pem, format: 'pem' });
    } catch {
      throw new Error(`public_keys[${index}].key is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ec') {
      throw new Error(`public_keys[${index}].key must be an elliptic-curve (ECDSA) key`);
    }
    return { id, key };
  });
}
