/**
 * Token hashes known to match no token, held in this process only and bounded in entries: the oldest
 * used entry goes first. Unknown hashes are what a flood of random, well-formed tokens produces, so
 * they never become Redis keys: a flood can cost this process at most `maxEntries` small entries.
 */
export class BoundedNegativeCache {
  /** hash → expiry (ms since epoch); Map order is least recently used first. */
  private readonly entries = new Map<string, number>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string, nowMs: number): boolean {
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined) return false;
    this.entries.delete(key);
    if (expiresAt <= nowMs) return false;
    this.entries.set(key, expiresAt);
    return true;
  }

  add(key: string, expiresAtMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, expiresAtMs);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
