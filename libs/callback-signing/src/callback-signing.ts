import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed renewal callbacks (issue 4, seed 003). The worker POSTs a JSON body to a tenant's callback URL
 * with the header
 *
 *     Latchkey-Signature: t=<unix seconds>,v1=<hex>
 *
 * where `<hex>` is the lowercase hex HMAC-SHA256 of `"<t>.<raw body bytes>"`, keyed with the tenant's
 * signing secret (the whole `lksig_…` string, UTF-8). The timestamp is inside the MAC, so a receiver that
 * also bounds its age refuses replays of old deliveries.
 *
 * A header may carry several `v1=` entries (one per secret while a secret is being rotated), and a receiver
 * may hold several secrets (old and new during the overlap): any pair that matches verifies. Keys other than
 * `t` and `v1` are ignored, so new schemes can be added alongside `v1` later.
 */
export const SIGNATURE_HEADER = 'Latchkey-Signature';
export const SIGNING_SECRET_PREFIX = 'lksig_';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_BYTES = 32;
/** Refuse absurd headers before doing any work: a real one is ~80 characters, a few entries at most. */
const MAX_HEADER_LENGTH = 4096;
const TIMESTAMP_PATTERN = /^(0|[1-9][0-9]*)$/;
const V1_PATTERN = /^[0-9a-f]{64}$/;

export type SignatureFailure = 'MALFORMED_HEADER' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'NO_MATCHING_SIGNATURE';

export type SignatureVerification = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export interface VerifyOptions {
  /** Current time in unix seconds; defaults to the system clock. */
  now?: number;
  /** Largest accepted distance between `t` and `now`, in either direction; defaults to 300 seconds. */
  toleranceSeconds?: number;
}

/** A new signing secret: `lksig_` + 32 random bytes in base64url. Shown to the tenant once. */
export function generateSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/** The `Latchkey-Signature` header value for a body sent at `timestamp` (unix seconds). */
export function signPayload(rawBody: string | Buffer, secret: string, timestamp: number): string {
  assertSecret(secret);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError('timestamp must be a non-negative integer number of unix seconds');
  }
  const t = String(timestamp);
  return `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
}

/**
 * Checks a received header against the raw body (the exact bytes received, before any JSON parsing).
 * The signature is checked before the timestamp: an unsigned timestamp means nothing, so a forged header
 * is always `NO_MATCHING_SIGNATURE`, and `TIMESTAMP_OUT_OF_TOLERANCE` means "genuine, but too old or too
 * far in the future" (a replay or a skewed clock).
 */
export function verifySignature(
  rawBody: string | Buffer,
  header: string | readonly string[] | undefined,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): SignatureVerification {
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  if (keys.length === 0) throw new TypeError('at least one signing secret is required');
  keys.forEach(assertSecret);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError('toleranceSeconds must be a non-negative number');
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);

  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: 'MALFORMED_HEADER' };

  let matched = false;
  for (const key of keys) {
    const expected = Buffer.from(hmacHex(key, parsed.t, rawBody), 'utf8');
    for (const candidate of parsed.v1) {
      // No early exit: the work done does not depend on which entry, if any, matched.
      if (constantTimeEqual(expected, Buffer.from(candidate, 'utf8'))) matched = true;
    }
  }
  if (!matched) return { ok: false, reason: 'NO_MATCHING_SIGNATURE' };

  const timestamp = Number(parsed.t);
  if (Math.abs(now - timestamp) > tolerance) return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  return { ok: true, timestamp };
}

interface ParsedHeader {
  /** The timestamp exactly as sent: it is what was signed. */
  t: string;
  v1: string[];
}

/**
 * `t=<integer>,v1=<64 lowercase hex>[,v1=…][,other=…]`, optional whitespace around the commas. Exactly one
 * `t` (a non-negative integer without sign or leading zeros) and at least one well-formed `v1`; unknown keys
 * are ignored; anything else (an entry without `=`, an empty key, a duplicated `t`) is malformed.
 */
function parseHeader(header: string | readonly string[] | undefined): ParsedHeader | undefined {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH)
    return undefined;
  let t: string | undefined;
  const v1: string[] = [];
  for (const entry of header.split(',')) {
    const item = entry.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (key === 't') {
      if (t !== undefined || !TIMESTAMP_PATTERN.test(value) || !Number.isSafeInteger(Number(value))) {
        return undefined;
      }
      t = value;
    } else if (key === 'v1') {
      if (!V1_PATTERN.test(value)) return undefined;
      v1.push(value);
    }
  }
  if (t === undefined || v1.length === 0) return undefined;
  return { t, v1 };
}

function hmacHex(secret: string, t: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest('hex');
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  // timingSafeEqual throws on different lengths; the length of a hex HMAC is public anyway.
  return a.length === b.length && timingSafeEqual(a, b);
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('signing secret must be non-empty');
}
