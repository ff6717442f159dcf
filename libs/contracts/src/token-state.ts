import { z } from 'zod';
import { isoInstant } from './instant';
import { MEMBER_ROLES } from './events';

/*
 * The entries of the verifiers' shared Redis cache. The issuer writes them (overwriting) on every change
 * that must take effect at once, before its transaction commits; verifiers only ever add missing entries
 * (SET NX). Both sides read and write these bytes, so the shapes below are a wire format: change them
 * additively only. See docs/architecture.md.
 */

const isoTime = isoInstant;

/**
 * The cache entry for one token, keyed by the token's SHA-256. Field order is the byte order
 * `JSON.stringify` writes: build entries with `toCachedTokenState`, never by hand.
 */
export const cachedTokenState = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  z.object({
    found: z.literal(true),
    tokenId: z.string().min(1),
    tenantId: z.string().min(1),
    ownerId: z.string(),
    revoked: z.boolean(),
    /** ISO 8601 or null for never. */
    expiresAt: isoTime.nullable(),
    /** `*` or catalog scopes; see permissions.ts. */
    scopes: z.array(z.string()),
    /** Resource ids the token is restricted to; empty means none. */
    resources: z.array(z.string()),
  }),
]);
export type CachedTokenState = z.infer<typeof cachedTokenState>;

/**
 * The token columns a cache entry is made of: the issuer's `Token` entity has them, and so has the
 * verifier's read-only row (selected under these names).
 */
export interface TokenStateColumns {
  id: string;
  tenantId: string;
  createdBy: string;
  status: string;
  expiresAt: Date | string | null;
  scopes: string[];
  resources: string[];
}

/** The one way to build a token's cache entry, in the issuer and in the verifier alike. */
export function toCachedTokenState(token: TokenStateColumns): CachedTokenState {
  const expiresAt = token.expiresAt ?? null;
  return {
    found: true,
    tokenId: String(token.id),
    tenantId: String(token.tenantId),
    ownerId: String(token.createdBy),
    revoked: token.status === 'revoked',
    // toISOString throws on an invalid date: a lookup fails rather than answering from a bad record.
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    scopes: token.scopes,
    resources: token.resources,
  };
}

/**
 * Entry keys carry the cache epoch (`cache_epoch` in Postgres; see cache-coherence.ts): a revocation
 * that could not reach Redis bumps it, and every entry written under an older epoch is never read again.
 */
export function tokenStateKey(redisPrefix: string, epoch: number, tokenHash: string): string {
  return `${redisPrefix}e${epoch}:token:${tokenHash}`;
}

/**
 * The cache entry for one member of a tenant: the person a token acts for. The issuer writes it inside a
 * role change or removal, so tokens follow their owner's role at once. `found: false` means Latchkey has
 * no such member.
 */
export const cachedMemberState = z.object({
  found: z.boolean(),
  role: z.enum(MEMBER_ROLES).nullable(),
  /** False once the member was removed from the tenant. */
  active: z.boolean(),
});
export type CachedMemberState = z.infer<typeof cachedMemberState>;

/** The member columns a cache entry is made of. */
export interface MemberStateColumns {
  role: (typeof MEMBER_ROLES)[number];
  status: string;
}

/** The entry for a known member; `UNKNOWN_MEMBER_STATE` is the one for anyone else. */
export function toCachedMemberState(member: MemberStateColumns): CachedMemberState {
  return { found: true, role: member.role, active: member.status === 'active' };
}

export const UNKNOWN_MEMBER_STATE: CachedMemberState = Object.freeze({
  found: false,
  role: null,
  active: false,
});

export function memberStateKey(redisPrefix: string, epoch: number, tenantId: string, userId: string): string {
  return `${redisPrefix}e${epoch}:member:${tenantId}:${userId}`;
}

/**
 * The cache entry for one tenant: its plan, so verifiers refuse the tokens of a tenant whose plan has no
 * API access (seed 004) at once, like a revocation. `found: false`: Latchkey has no such tenant yet.
 */
export const cachedTenantState = z.object({
  found: z.boolean(),
  plan: z.string().nullable(),
});
export type CachedTenantState = z.infer<typeof cachedTenantState>;

export const UNKNOWN_TENANT_STATE: CachedTenantState = Object.freeze({ found: false, plan: null });

export function tenantStateKey(redisPrefix: string, epoch: number, tenantId: string): string {
  return `${redisPrefix}e${epoch}:tenant:${tenantId}`;
}

/** A cache entry that is not JSON or does not match its schema. */
export class UnreadableCacheEntryError extends Error {
  constructor(what: string, reason: string) {
    super(`unreadable ${what} cache entry: ${reason}`);
    this.name = 'UnreadableCacheEntryError';
  }
}

/** Parses a token-state entry. Extra fields are tolerated (additive evolution); anything else throws. */
export function parseCachedTokenState(raw: string): CachedTokenState {
  return parseEntry(cachedTokenState, raw, 'token-state');
}

/** Parses a tenant-state entry, as `parseCachedTokenState` does. */
export function parseCachedTenantState(raw: string): CachedTenantState {
  return parseEntry(cachedTenantState, raw, 'tenant-state');
}

/** Parses a member-state entry, as `parseCachedTokenState` does. */
export function parseCachedMemberState(raw: string): CachedMemberState {
  return parseEntry(cachedMemberState, raw, 'member-state');
}

function parseEntry<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new UnreadableCacheEntryError(what, 'not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UnreadableCacheEntryError(what, z.prettifyError(parsed.error));
  return parsed.data;
}
