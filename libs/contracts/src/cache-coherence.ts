import { z } from 'zod';
import type { CacheEntrySigner } from './cache-entry-signing';

/*
 * How the issuer keeps every verifier's in-process cache coherent with a change that makes a verdict
 * stricter (revocation, an earlier expiry, a member removed or demoted). Wire formats shared by both
 * sides; docs/architecture.md ("Coherent caches") gives the argument why it holds.
 *
 * - Each verifier holds a lease: a member of the sorted set `verifierLeasesKey`, scored with the Redis
 *   server time (ms) at which it lapses. It renews it every quarter lease, and answers from memory only
 *   while its own monotonic clock says the lease it last renewed has not run out.
 * - The issuer publishes a `CacheInvalidation` on `invalidationChannel` and, in the same script, reads
 *   the live leaseholders; it waits until each has acknowledged on `invalidationAckChannel` or its lease
 *   has lapsed, then commits.
 * - The cache epoch (`cache_epoch` in Postgres) is part of every entry key; a revocation that cannot reach
 *   Redis bumps it, so no entry written before it is read again, whatever Redis still holds.
 */

export function verifierLeasesKey(redisPrefix: string): string {
  return `${redisPrefix}verifier-leases`;
}

export function invalidationChannel(redisPrefix: string): string {
  return `${redisPrefix}invalidations`;
}

export function invalidationAckChannel(redisPrefix: string): string {
  return `${redisPrefix}invalidation-acks`;
}

/** The Redis client name of a verifier's invalidation subscriber (seen in `CLIENT LIST`). */
export function invalidationSubscriberName(instanceId: string): string {
  return `latchkey-verifier-sub-${instanceId.replace(/\s/g, '_')}`;
}

const memberRef = z.object({ tenantId: z.string().min(1), userId: z.string().min(1) });

/** What verifiers must forget. Evicting is always safe, so a verifier acts on any well-formed one. */
export const cacheInvalidation = z.object({
  id: z.string().min(1).max(64),
  /** Token hashes whose state changed. */
  tokens: z.array(z.string().min(1).max(128)).max(1_000),
  /** Members whose standing changed. */
  members: z.array(memberRef).max(1_000),
  /** Tenants whose plan changed. */
  tenants: z.array(z.string().min(1).max(255)).max(1_000).default([]),
});
export type CacheInvalidation = z.infer<typeof cacheInvalidation>;
export type MemberRef = z.infer<typeof memberRef>;

/** The invalidation, or null when the message is not one (ignored). */
export function parseCacheInvalidation(raw: string): CacheInvalidation | null {
  try {
    const parsed = cacheInvalidation.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const ACK_LIFETIME_MS = 60_000;

/**
 * An acknowledgement tells the issuer it may stop waiting for one verifier, so it must be genuine:
 * sealed with CACHE_SIGNING_KEY like cache entries, bound to the ack channel's name.
 */
export function sealInvalidationAck(
  signer: CacheEntrySigner,
  redisPrefix: string,
  ack: { id: string; holder: string },
  nowMs: number,
): string {
  return signer.seal(
    invalidationAckChannel(redisPrefix),
    JSON.stringify([ack.id, ack.holder]),
    nowMs + ACK_LIFETIME_MS,
  );
}

/** The acknowledged invalidation id and leaseholder, or null when the message is not a genuine ack. */
export function openInvalidationAck(
  signer: CacheEntrySigner,
  redisPrefix: string,
  message: string,
  nowMs: number,
): { id: string; holder: string } | null {
  const opened = signer.open(invalidationAckChannel(redisPrefix), message, nowMs);
  if (!opened.ok) return null;
  try {
    const [id, holder] = JSON.parse(opened.json) as unknown[];
    return typeof id === 'string' && typeof holder === 'string' ? { id, holder } : null;
  } catch {
    return null;
  }
}
