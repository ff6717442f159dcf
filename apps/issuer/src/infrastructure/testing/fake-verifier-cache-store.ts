/*
 * An in-memory stand-in for the Redis server behind the verifiers' cache, for unit specs. No Jest here,
 * so this file also compiles where the app is built.
 */
import type { VerifierCacheStore } from '../verifier-cache';

/** A Redis server as the issuer sees it: entries, and replicas that acknowledge (or not). */
export class FakeVerifierCacheStore implements VerifierCacheStore {
  readonly entries = new Map<string, { value: string; ttlSeconds: number }>();
  readonly waits: Array<{ replicas: number; timeoutMs: number }> = [];
  replicas = 0;
  acknowledging = 0;

  overwrite(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, ttlSeconds });
    return Promise.resolve();
  }

  connectedReplicas(): Promise<number> {
    return Promise.resolve(this.replicas);
  }

  waitForReplicas(replicas: number, timeoutMs: number): Promise<number> {
    this.waits.push({ replicas, timeoutMs });
    return Promise.resolve(this.acknowledging);
  }
}
