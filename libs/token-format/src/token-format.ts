import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Latchkey API tokens look like `lk_<43 base62 chars of secret><6 base62 chars of CRC32>`:
 *
 * - the type prefix makes them recognisable to humans and secret scanners;
 * - 43 base62 characters drawn uniformly from a CSPRNG carry 43 · log2(62) ≈ 256.03 bits;
 * - the CRC32 of prefix + secret, in 6 base62 characters, lets a mistyped or truncated token be rejected
 *   without any I/O (a checksum, not a MAC: it only filters noise).
 *
 * Only the SHA-256 of the full token is ever stored; the key prefix is its first 8 characters.
 */
export const TOKEN_PREFIX = 'lk_';
export const SECRET_LENGTH = 43;
export const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + SECRET_LENGTH + CHECKSUM_LENGTH;
export const KEY_PREFIX_LENGTH = 8;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = ALPHABET.length;
/** Largest multiple of 62 that fits in a byte: bytes at or above it are rejected to keep the draw uniform. */
const UNBIASED_LIMIT = 256 - (256 % BASE);
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`);

export type TokenParseFailure = 'EMPTY' | 'WRONG_PREFIX' | 'WRONG_LENGTH' | 'BAD_CHARACTERS' | 'BAD_CHECKSUM';

export type ParsedToken =
  { ok: true; token: string; keyPrefix: string } | { ok: false; failure: TokenParseFailure };

export interface GeneratedToken {
  /** The plaintext: shown to the creator once, never stored or logged. */
  token: string;
  /** Hex SHA-256 of the token: the only form that is stored. */
  hash: string;
  keyPrefix: string;
}

export function generateToken(): GeneratedToken {
  const body = TOKEN_PREFIX + randomBase62(SECRET_LENGTH);
  const token = body + checksumOf(body);
  return { token, hash: hashToken(token), keyPrefix: keyPrefixOf(token) };
}

/** Checks shape and checksum only; performs no I/O. */
export function parseToken(candidate: unknown): ParsedToken {
  if (typeof candidate !== 'string' || candidate.length === 0) return { ok: false, failure: 'EMPTY' };
  if (!candidate.startsWith(TOKEN_PREFIX)) return { ok: false, failure: 'WRONG_PREFIX' };
  if (candidate.length !== TOKEN_LENGTH) return { ok: false, failure: 'WRONG_LENGTH' };
  if (!TOKEN_PATTERN.test(candidate)) return { ok: false, failure: 'BAD_CHARACTERS' };
  const body = candidate.slice(0, -CHECKSUM_LENGTH);
  const expected = Buffer.from(checksumOf(body));
  const actual = Buffer.from(candidate.slice(-CHECKSUM_LENGTH));
  if (!timingSafeEqual(expected, actual)) return { ok: false, failure: 'BAD_CHECKSUM' };
  return { ok: true, token: candidate, keyPrefix: keyPrefixOf(candidate) };
}

/** True when the value has the token's prefix: used to refuse API tokens where they are not accepted. */
export function looksLikeToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function keyPrefixOf(token: string): string {
  return token.slice(0, KEY_PREFIX_LENGTH);
}

function checksumOf(body: string): string {
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

function encodeBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % BASE] + out;
    rest = Math.floor(rest / BASE);
  }
  return out;
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += ALPHABET[byte % BASE];
      if (out.length === length) break;
    }
  }
  return out;
}
