import type { MEMBER_ROLES } from './events';

/**
 * The verifier's cache entry for one token, keyed by the token's SHA-256. The issuer owns token records
 * and writes this entry itself on every state change that must take effect at once (revocation), before
 * its transaction commits; verifiers only ever add missing entries (SET NX). See docs/architecture.md.
 */
export type CachedTokenState =
  | { found: false }
  | {
      found: true;
      tokenId: string;
      tenantId: string;
      ownerId: string;
      revoked: boolean;
      /** ISO 8601 or null for never. */
      expiresAt: string | null;
      /** `*` or catalog scopes; see permissions.ts. */
      scopes: string[];
      /** Resource ids the token is restricted to; empty means none. */
      resources: string[];
    };

export function tokenStateKey(redisPrefix: string, tokenHash: string): string {
  return `${redisPrefix}token:${tokenHash}`;
}

/**
 * The verifier's cache entry for one member of a tenant: the person a token acts for. The issuer writes it
 * (overwriting) inside a role change or removal, before commit, so tokens follow their owner's role at
 * once; verifiers only add missing entries (SET NX). `found: false` means Latchkey has no such member.
 */
export interface CachedMemberState {
  found: boolean;
  role: (typeof MEMBER_ROLES)[number] | null;
  /** False once the member was removed from the tenant. */
  active: boolean;
}

export function memberStateKey(redisPrefix: string, tenantId: string, userId: string): string {
  return `${redisPrefix}member:${tenantId}:${userId}`;
}
