import type {
  CachedMemberState,
  CachedTenantState,
  CachedTokenState,
  CacheInvalidation,
} from '@latchkey/contracts';

/** When a load began: its result may be remembered only if nothing was forgotten since. */
export interface MemoryStamp {
  readonly generation: number;
}

/** Whether this verifier may answer from memory now (`CacheLease`). */
export interface MemoryTrust {
  trusted(): boolean;
}

export interface VerdictMemoryLimits {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
}

interface Entry<V> {
  value: V;
  expiresAtMs: number;
  bytes: number;
}

/** Rough cost of an entry in the heap: its key and JSON, twice for UTF-16, plus Map and object overhead. */
function sizeOf(key: string, value: unknown): number {
  return 2 * (key.length + JSON.stringify(value).length) + 160;
}

/**
 * The verifier's in-process cache of token states and member standings: the verdict's inputs, so a
 * warm verification makes no round trip at all. Bounded in entries and in (estimated) bytes, least
 * recently used first out.
 *
 * It is only as good as its coherence with the issuer's changes, so:
 * - it answers only while `trust` (the lease) holds, and is emptied whenever trust is re-established;
 * - an invalidation evicts its entries and moves the generation on;
 * - a load remembers its result only if the generation did not move while it ran (`stamp`/`put*`): a
 *   read that raced an invalidation may be older than it, so it is used once and not kept.
 */
export class VerdictMemory {
  private readonly tokens = new Map<string, Entry<CachedTokenState>>();
  private readonly members = new Map<string, Entry<CachedMemberState>>();
  private readonly tenants = new Map<string, Entry<CachedTenantState>>();
  private bytes = 0;
  private generation = 0;
  /**
   * Token-state lookups a verify made here (`noteTokenLookup`), as plain integers: the metrics read them
   * when scraped, so the hot path pays an increment and nothing else.
   */
  readonly tokenLookups = { hits: 0, misses: 0 };

  constructor(
    private readonly trust: MemoryTrust,
    private readonly limits: VerdictMemoryLimits,
    private readonly nowMs: () => number = Date.now,
  ) {}

  get size(): number {
    return this.tokens.size + this.members.size + this.tenants.size;
  }

  get estimatedBytes(): number {
    return this.bytes;
  }

  stamp(): MemoryStamp {
    return { generation: this.generation };
  }

  token(tokenHash: string): CachedTokenState | null {
    return this.trust.trusted() ? this.read(this.tokens, tokenHash) : null;
  }

  /** Tallies one verify's token lookup in memory (once per verify, however often it looked). */
  noteTokenLookup(hit: boolean): void {
    if (hit) this.tokenLookups.hits += 1;
    else this.tokenLookups.misses += 1;
  }

  member(tenantId: string, userId: string): CachedMemberState | null {
    return this.trust.trusted() ? this.read(this.members, memberKey(tenantId, userId)) : null;
  }

  tenant(tenantId: string): CachedTenantState | null {
    return this.trust.trusted() ? this.read(this.tenants, tenantId) : null;
  }

  putTenant(stamp: MemoryStamp, tenantId: string, state: CachedTenantState): void {
    if (this.mayKeep(stamp)) this.write(this.tenants, tenantId, state);
  }

  putToken(stamp: MemoryStamp, tokenHash: string, state: CachedTokenState): void {
    if (this.mayKeep(stamp)) this.write(this.tokens, tokenHash, state);
  }

  putMember(stamp: MemoryStamp, tenantId: string, userId: string, state: CachedMemberState): void {
    if (this.mayKeep(stamp)) this.write(this.members, memberKey(tenantId, userId), state);
  }

  /** Forgets what the invalidation names; every load in flight is then used once and not kept. */
  evict(invalidation: Pick<CacheInvalidation, 'tokens' | 'members'> & { tenants?: string[] }): void {
    this.generation += 1;
    for (const tenantId of invalidation.tenants ?? []) this.remove(this.tenants, tenantId);
    for (const hash of invalidation.tokens) this.remove(this.tokens, hash);
    for (const { tenantId, userId } of invalidation.members) {
      this.remove(this.members, memberKey(tenantId, userId));
    }
  }

  /** Forgets everything (trust lost or re-established, the cache epoch moved). */
  clear(): void {
    this.generation += 1;
    this.tokens.clear();
    this.members.clear();
    this.tenants.clear();
    this.bytes = 0;
  }

  /** Whether a load begun under `stamp` may still be remembered (and shared) now. */
  mayKeep(stamp: MemoryStamp): boolean {
    return stamp.generation === this.generation && this.trust.trusted();
  }

  private read<V>(map: Map<string, Entry<V>>, key: string): V | null {
    const entry = map.get(key);
    if (entry === undefined) return null;
    map.delete(key);
    if (entry.expiresAtMs <= this.nowMs()) {
      this.bytes -= entry.bytes;
      return null;
    }
    map.set(key, entry); // most recently used last
    return entry.value;
  }

  private write<V>(map: Map<string, Entry<V>>, key: string, value: V): void {
    this.remove(map, key);
    const bytes = sizeOf(key, value);
    map.set(key, { value, expiresAtMs: this.nowMs() + this.limits.ttlMs, bytes });
    this.bytes += bytes;
    while (this.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      if (!this.evictOldest()) break;
    }
  }

  /** Drops the least recently used entry of the largest map. */
  private evictOldest(): boolean {
    const maps: Map<string, Entry<unknown>>[] = [this.tokens, this.members, this.tenants];
    const map = maps.reduce((largest, m) => (m.size > largest.size ? m : largest));
    const oldest = map.keys().next();
    if (oldest.done) return false;
    this.remove(map, oldest.value);
    return true;
  }

  private remove<V>(map: Map<string, Entry<V>>, key: string): void {
    const entry = map.get(key);
    if (entry === undefined) return;
    map.delete(key);
    this.bytes -= entry.bytes;
  }
}

function memberKey(tenantId: string, userId: string): string {
  return `${tenantId}\u0000${userId}`;
}
