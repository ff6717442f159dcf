/*
 * An in-memory stand-in for the Redis server behind the verifiers' cache, for unit specs. No Jest here,
 * so this file also compiles where the app is built.
 */
import type { Leaseholder } from '../invalidation-acks';
import type { VerifierCacheStore } from '../verifier-cache';

/** A Redis server as the issuer sees it: entries, and replicas that acknowledge (or not). */
export class FakeVerifierCacheStore implements VerifierCacheStore {
  readonly entries = new Map<string, { value: string; ttlSeconds: number }>();
  readonly waits: Array<{ replicas: number; timeoutMs: number }> = [];
  replicas = 0;
  acknowledging = 0;

  overwrite(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (this.down) return Promise.reject(new Error('Command timed out'));
    this.entries.set(key, { value, ttlSeconds });
    return Promise.resolve();
  }

  connectedReplicas(): Promise<number> {
    return Promise.resolve(this.replicas);
  }

  /** Invalidations published, in order; and the verifiers holding leases when each went out. */
  readonly published: string[] = [];
  leaseholders: Leaseholder[] = [];
  /** Makes every call fail as an unreachable Redis does. */
  down = false;

  publishInvalidation(message: string): Promise<Leaseholder[]> {
    if (this.down) return Promise.reject(new Error('Command timed out'));
    this.published.push(message);
    return Promise.resolve(this.leaseholders);
  }

  waitForReplicas(replicas: number, timeoutMs: number): Promise<number> {
    this.waits.push({ replicas, timeoutMs });
    return Promise.resolve(this.acknowledging);
  }
}
