import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed renewal callbacks (issue 4, seed 003). The worker POSTs a JSON body to a tenant's callback URL
 * with the header
 *
 *     Latchkey-Signature: t=<unix seconds>,v1=<hex>,v2=<hex>
 *
 * where each `<hex>` is a lowercase hex HMAC-SHA256 keyed with the tenant's signing secret (the whole
 * `lksig_…` string, UTF-8):
 * - `v2` (current) over `"<t>.<destination URL>\n<raw body bytes>"`, the URL in its WHATWG-normalised form
 *   (`new URL(url).href`, which never contains a newline): a delivery captured on its way to one receiver
 *   cannot be replayed to another URL that trusts the same secret;
 * - `v1` (deprecated, still sent for receivers written before v2) over `"<t>.<raw body bytes>"`.
 * The timestamp is inside the MAC, so a receiver that also bounds its age refuses replays of old deliveries.
 *
 * A header may carry several entries of each version (one per secret while a secret is being rotated), and
 * a receiver may hold several secrets (old and new during the overlap): any pair that matches verifies.
 * Other keys are ignored, so new schemes can be added later.
 */
export const SIGNATURE_HEADER = 'Latchkey-Signature';
export const SIGNING_SECRET_PREFIX = 'lksig_';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_BYTES = 32;
/** Refuse absurd headers before doing any work: a real one is ~80 characters, a few entries at most. */
const MAX_HEADER_LENGTH = 4096;
const TIMESTAMP_PATTERN = /^(0|[1-9][0-9]*)$/;
const HEX_MAC_PATTERN = /^[0-9a-f]{64}$/;

export type SignatureFailure = 'MALFORMED_HEADER' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'NO_MATCHING_SIGNATURE';

export type SignatureVerification = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export interface VerifyOptions {
  /** Current time in unix seconds; defaults to the system clock. */
  now?: number;
  /** Largest accepted distance between `t` and `now`, in either direction; defaults to 300 seconds. */
  toleranceSeconds?: number;
  /**
   * The URL the request was sent to (the receiver's own callback URL). Given, only `v2` entries count,
   * and a delivery meant for another URL does not verify; absent, the deprecated `v1` is checked.
   */
  destinationUrl?: string;
}

/** A new signing secret: `lksig_` + 32 random bytes in base64url. Shown to the tenant once. */
export function generateSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * The `Latchkey-Signature` header value for a body sent at `timestamp` (unix seconds): `t` and `v1`, and
 * with `destinationUrl` (what callbacks always pass) `v2` over the URL too.
 */
export function signPayload(
  rawBody: string | Buffer,
  secret: string,
  timestamp: number,
  destinationUrl?: string,
): string {
  assertSecret(secret);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError('timestamp must be a non-negative integer number of unix seconds');
  }
  const t = String(timestamp);
  const v1 = `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
  return destinationUrl === undefined ? v1 : `${v1},v2=${hmacV2Hex(secret, t, destinationUrl, rawBody)}`;
}

/** The form of a destination URL that `v2` signs: WHATWG-normalised. Throws on a URL that does not parse. */
export function signedDestination(url: string): string {
  return new URL(url).href;
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

  let destination: string | undefined;
  if (options.destinationUrl !== undefined) {
    try {
      destination = signedDestination(options.destinationUrl);
    } catch {
      throw new TypeError('destinationUrl must be an absolute URL');
    }
  }
  const candidates = destination === undefined ? parsed.v1 : parsed.v2;
  let matched = false;
  for (const key of keys) {
    const mac =
      destination === undefined
        ? hmacHex(key, parsed.t, rawBody)
        : hmacV2Hex(key, parsed.t, destination, rawBody);
    const expected = Buffer.from(mac, 'utf8');
    for (const candidate of candidates) {
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
  v2: string[];
}

/**
 * `t=<integer>,v1=<64 lowercase hex>[,v2=<64 lowercase hex>…][,other=…]`, optional whitespace around the
 * commas. Exactly one `t` (a non-negative integer without sign or leading zeros) and at least one
 * well-formed `v1` or `v2`; unknown keys are ignored; anything else (an entry without `=`, an empty key, a
 * duplicated `t`) is malformed.
 */
function parseHeader(header: string | readonly string[] | undefined): ParsedHeader | undefined {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH)
    return undefined;
  let t: string | undefined;
  const v1: string[] = [];
  const v2: string[] = [];
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
    } else if (key === 'v1' || key === 'v2') {
      if (!HEX_MAC_PATTERN.test(value)) return undefined;
      (key === 'v1' ? v1 : v2).push(value);
    }
  }
  if (t === undefined || v1.length + v2.length === 0) return undefined;
  return { t, v1, v2 };
}

function hmacHex(secret: string, t: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest('hex');
}

function hmacV2Hex(secret: string, t: string, destinationUrl: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret)
    .update(`${t}.${signedDestination(destinationUrl)}\n`, 'utf8')
    .update(rawBody)
    .digest('hex');
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  // timingSafeEqual throws on different lengths; the length of a hex HMAC is public anyway.
  return a.length === b.length && timingSafeEqual(a, b);
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('signing secret must be non-empty');
}
