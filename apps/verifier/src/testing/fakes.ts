/*
 * In-memory stand-ins for the verifier's ports, for unit specs. Not part of the build.
 */
import type { OwnerDirectory, OwnerStanding } from '../verification/owner-directory';
import { randomUUID } from 'node:crypto';
import {
  type CachedTokenState,
  EventType,
  type TokenUsedEvent,
  type TokenVerificationsCountedEvent,
} from '@latchkey/contracts';
import { VerdictMemory } from '../coherence/verdict-memory';
import type { UsageEventSink } from '../usage/usage-event-sink';
import type { UsageEvent } from '../usage/usage-recorder';
import type { TokenStateCache } from '../verification/token-state-cache';
import type { RefusalCounter } from '../verification/refusal-limiter';
import type { TokenStore } from '../verification/token-store';

type FoundState = Extract<CachedTokenState, { found: true }>;

export class InMemoryTokenStateCache implements TokenStateCache {
  readonly entries = new Map<string, { state: CachedTokenState; ttlSeconds: number }>();
  readonly calls: Array<'get' | 'putIfAbsent'> = [];
  down = false;

  get(tokenHash: string): Promise<CachedTokenState | null> {
    this.calls.push('get');
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    return Promise.resolve(this.entries.get(tokenHash)?.state ?? null);
  }

  putIfAbsent(tokenHash: string, state: CachedTokenState, ttlSeconds: number): Promise<boolean> {
    this.calls.push('putIfAbsent');
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    if (this.entries.has(tokenHash)) return Promise.resolve(false);
    this.entries.set(tokenHash, { state, ttlSeconds });
    return Promise.resolve(true);
  }
}

export class InMemoryTokenStore implements TokenStore {
  readonly records = new Map<string, CachedTokenState>();
  lookups = 0;
  down = false;
  /** Runs during a lookup, before it answers: to simulate what happens meanwhile. */
  duringLookup: () => void = () => undefined;

  findByHash(tokenHash: string): Promise<CachedTokenState> {
    this.lookups += 1;
    this.duringLookup();
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    return Promise.resolve(this.records.get(tokenHash) ?? { found: false });
  }
}

export class FakeUsageEventSink implements UsageEventSink {
  /** Every batch published, both kinds of summary. */
  readonly batches: UsageEvent[][] = [];
  prepareCalls = 0;
  failingPrepares = 0;
  failingPublishes = 0;
  closed = false;
  /** Runs during a publish, before it answers. */
  duringPublish: () => void = () => undefined;

  prepare(): Promise<void> {
    this.prepareCalls += 1;
    if (this.failingPrepares > 0) {
      this.failingPrepares -= 1;
      return Promise.reject(new Error('broker not reachable'));
    }
    return Promise.resolve();
  }

  publish(events: readonly UsageEvent[]): Promise<void> {
    this.duringPublish();
    if (this.failingPublishes > 0) {
      this.failingPublishes -= 1;
      return Promise.reject(new Error('leader not available'));
    }
    this.batches.push([...events]);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** The TokenUsed events of each published batch (batches without one left out). */
  get published(): TokenUsedEvent[][] {
    return this.batches
      .map((batch) => batch.filter((e): e is TokenUsedEvent => e.type === EventType.TokenUsed))
      .filter((batch) => batch.length > 0);
  }

  get events(): TokenUsedEvent[] {
    return this.published.flat();
  }

  get verdictEvents(): TokenVerificationsCountedEvent[] {
    return this.batches
      .flat()
      .filter((e): e is TokenVerificationsCountedEvent => e.type === EventType.TokenVerificationsCounted);
  }
}

/** `aTokenState().revoked().expiringAt(date).build()` */
export function aTokenState(): TokenStateBuilder {
  return new TokenStateBuilder();
}

export class TokenStateBuilder {
  private state: FoundState = {
    found: true,
    tokenId: randomUUID(),
    tenantId: randomUUID(),
    ownerId: 'user-7',
    revoked: false,
    expiresAt: null,
    scopes: ['*'],
    resources: [],
  };

  scoped(...scopes: string[]): this {
    this.state = { ...this.state, scopes };
    return this;
  }

  restrictedTo(...resources: string[]): this {
    this.state = { ...this.state, resources };
    return this;
  }

  revoked(): this {
    this.state = { ...this.state, revoked: true };
    return this;
  }

  expiringAt(when: Date): this {
    this.state = { ...this.state, expiresAt: when.toISOString() };
    return this;
  }

  build(): FoundState {
    return { ...this.state };
  }
}

/** A clock that stands still until told to move. */
export class ManualClock {
  private current: Date;

  constructor(start = new Date('2030-01-01T00:00:00.000Z')) {
    this.current = start;
  }

  readonly now = (): Date => new Date(this.current);

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Owners by `${tenantId}/${userId}`; unknown owners are active admins unless set otherwise. */
export class InMemoryOwnerDirectory implements OwnerDirectory {
  readonly standings = new Map<string, OwnerStanding>();

  set(tenantId: string, userId: string, standing: OwnerStanding): void {
    this.standings.set(`${tenantId}/${userId}`, standing);
  }

  standing(tenantId: string, userId: string): Promise<OwnerStanding> {
    return Promise.resolve(this.standingNow(tenantId, userId));
  }

  /** Everything this directory knows it knows at once, as memory would. */
  standingNow(tenantId: string, userId: string): OwnerStanding {
    return this.standings.get(`${tenantId}/${userId}`) ?? { active: true, role: 'admin' };
  }
}

/** A fixed window of 60 s and `limit` refusals per caller, in memory (the real one counts in Redis). */
export function countRefusals(limit: number, clock: ManualClock): RefusalCounter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  return (caller, refusals) => {
    const now = clock.now().getTime();
    let window = windows.get(caller);
    if (window === undefined || window.endsAt <= now) {
      window = { count: 0, endsAt: now + 60_000 };
      windows.set(caller, window);
    }
    window.count += refusals;
    return Promise.resolve({
      allowed: window.count <= limit,
      count: window.count,
      retryAfterSeconds: Math.ceil((window.endsAt - now) / 1000),
    });
  };
}

/**
 * The lease's part in the shared cache, for specs of the Redis-backed caches: a fixed epoch while
 * `trusted`, and a memory of its own (trusted with the same switch unless `memoryTrusted` says).
 */
export interface FakeCacheScope {
  trusted: boolean;
  epoch: number;
  trustedEpoch(): number | null;
  memory: VerdictMemory;
}

export function aCacheScope(options: { epoch?: number; memoryTrusted?: boolean } = {}): FakeCacheScope {
  const scope: FakeCacheScope = {
    trusted: true,
    epoch: options.epoch ?? 1,
    trustedEpoch: () => (scope.trusted ? scope.epoch : null),
    memory: new VerdictMemory(
      { trusted: () => scope.trusted && options.memoryTrusted === true },
      { maxEntries: 1_000, maxBytes: 1_000_000, ttlMs: 300_000 },
    ),
  };
  return scope;
}

/**
 * What the token-state cache's one-round-trip script does, over a map of plain keys: the token's entry
 * and, when its JSON names an owner, the entry under ARGV[1] + tenant + ':' + owner.
 */
export function tokenWithOwnerScript(keys: Map<string, string>) {
  return (_script: string, _numKeys: number, key: string, memberPrefix: string) => {
    const token = keys.get(key) ?? null;
    if (token === null) return Promise.resolve([null, null]);
    const json = token.split('.').slice(3).join('.');
    try {
      const state = JSON.parse(json) as { found?: boolean; tenantId?: unknown; ownerId?: unknown };
      if (state.found !== true || typeof state.tenantId !== 'string' || typeof state.ownerId !== 'string') {
        return Promise.resolve([token, null]);
      }
      return Promise.resolve([token, keys.get(`${memberPrefix}${state.tenantId}:${state.ownerId}`) ?? null]);
    } catch {
      return Promise.resolve([token, null]);
    }
  };
}
