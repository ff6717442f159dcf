import { createHash, randomBytes } from 'node:crypto';
import { REDEEM_KEY_PREFIX } from '@latchkey/contracts';

const KEY_BYTES = 32;

export interface GeneratedRedeemKey {
  /** The plaintext: it travels only in the delivery handed to the worker, never stored or logged. */
  key: string;
  /** Hex SHA-256 of the key: the only form that is stored. */
  hash: string;
}

/** A fresh redeem key: `lkr_` + 32 random bytes in base64url (43 characters), as REDEEM_KEY_PATTERN says. */
export function generateRedeemKey(): GeneratedRedeemKey {
  const key = REDEEM_KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
  return { key, hash: hashRedeemKey(key) };
}

export function hashRedeemKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
