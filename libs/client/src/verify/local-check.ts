import { VerifyReason } from '@latchkey/contracts';
import { parseToken } from '@latchkey/token-format';
import type { Verdict } from './types';

/** The verifier's own answer to a malformed token, given without asking it. */
export function malformedVerdict(): Verdict {
  return {
    valid: false,
    reason: VerifyReason.Malformed,
    tokenId: null,
    tenantId: null,
    ownerId: null,
    expiresAt: null,
    effectivePermissions: [],
    resources: [],
  };
}

/** A MALFORMED verdict when `token` is not a well-formed Latchkey token (prefix, length, checksum). */
export function refuseMalformed(token: unknown): Verdict | undefined {
  return parseToken(token).ok ? undefined : malformedVerdict();
}
