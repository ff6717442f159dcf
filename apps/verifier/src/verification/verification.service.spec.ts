import { Logger, type LoggerService } from '@nestjs/common';
import { type CachedTokenState, VerifyReason } from '@latchkey/contracts';
import { generateToken } from '@latchkey/token-format';
import {
  aTokenState,
  countRefusals,
  InMemoryOwnerDirectory,
  InMemoryTokenStateCache,
  InMemoryTokenStore,
  ManualClock,
} from '../testing/fakes';
import type { TokenStateCache } from './token-state-cache';
import type { TokenStore } from './token-store';
import { VerdictMemory } from '../coherence/verdict-memory';
import { RefusalLimiter } from './refusal-limiter';
import { VerificationError, VerificationErrorCode } from './verification.errors';
import { judge, VerificationService } from './verification.service';

const CATALOG = ['projects:read', 'projects:write', 'tasks:read', 'tasks:write'];
const settings = {
  TOKEN_CACHE_TTL_SECONDS: 300,
  NEGATIVE_CACHE_TTL_SECONDS: 30,
  TOKEN_SCOPE_CATALOG: CATALOG,
};

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(JSON.stringify(message));
  }
  error(message: unknown): void {
    this.lines.push(JSON.stringify(message));
  }
  warn(message: unknown): void {
    this.lines.push(JSON.stringify(message));
  }
  debug(message: unknown): void {
    this.lines.push(JSON.stringify(message));
  }
  verbose(message: unknown): void {
    this.lines.push(JSON.stringify(message));
  }
}

describe('VerificationService', () => {
  let cache: InMemoryTokenStateCache;
  let owners: InMemoryOwnerDirectory;
  let store: InMemoryTokenStore;
  let usage: { record: jest.Mock<void, [string, string, Date, string, string?]> };
  let clock: ManualClock;
  let logs: CapturingLogger;
  let service: VerificationService;
  let refusals: RefusalLimiter;

  beforeEach(() => {
    cache = new InMemoryTokenStateCache();
    store = new InMemoryTokenStore();
    usage = { record: jest.fn<void, [string, string, Date, string, string?]>() };
    clock = new ManualClock();
    logs = new CapturingLogger();
    Logger.overrideLogger(logs);
    owners = new InMemoryOwnerDirectory();
    refusals = new RefusalLimiter(countRefusals(3, clock), clock.now);
    service = new VerificationService(cache, store, usage, settings, clock.now, owners, refusals);
  });

  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  /** The reasons of the verdicts recorded for analytics, in order. */
  function reasonsRecorded(): string[] {
    return usage.record.mock.calls.map((call) => call[3]);
  }

  /** A fresh token whose record Postgres holds. */
  function issued(state: CachedTokenState = aTokenState().build()): { token: string; hash: string } {
    const { token, hash } = generateToken();
    store.records.set(hash, state);
    return { token, hash };
  }

  describe('a malformed token', () => {
    it.each([
      ['an empty string', ''],
      ['another vendor’s key', 'sk_live_0123456789abcdef'],
      ['a truncated token', generateToken().token.slice(0, -1)],
      ['a token with a wrong checksum', flipLastCharacter(generateToken().token)],
    ])('is refused as MALFORMED without any cache, database or usage call: %s', async (_case, candidate) => {
      const untouchableCache: TokenStateCache = {
        get: jest.fn(() => Promise.reject(new Error('the cache must not be read'))),
        putIfAbsent: jest.fn(() => Promise.reject(new Error('the cache must not be written'))),
      };
      const untouchableStore: TokenStore = {
        findByHash: jest.fn(() => Promise.reject(new Error('the database must not be read'))),
      };
      const isolated = new VerificationService(
        untouchableCache,
        untouchableStore,
        usage,
        settings,
        clock.now,
        owners,
        refusals,
      );

      const verdict = await isolated.verify(candidate);

      expect(verdict).toEqual({
        valid: false,
        reason: VerifyReason.Malformed,
        tokenId: null,
        tenantId: null,
        ownerId: null,
        expiresAt: null,
        effectivePermissions: [],
        resources: [],
      });
      expect(untouchableCache.get).not.toHaveBeenCalled();
      expect(untouchableCache.putIfAbsent).not.toHaveBeenCalled();
      expect(untouchableStore.findByHash).not.toHaveBeenCalled();
      expect(usage.record).not.toHaveBeenCalled();
    });
  });

  it('accepts a cached token without reading Postgres and records its use', async () => {
    const state = aTokenState()
      .expiringAt(new Date(clock.now().getTime() + 60_000))
      .build();
    const { token, hash } = generateToken();
    cache.entries.set(hash, { state, ttlSeconds: 300 });

    const verdict = await service.verify(token);

    expect(verdict).toEqual({
      valid: true,
      reason: VerifyReason.Ok,
      tokenId: state.tokenId,
      tenantId: state.tenantId,
      ownerId: state.ownerId,
      expiresAt: state.expiresAt,
      effectivePermissions: CATALOG,
      resources: [],
    });
    expect(store.lookups).toBe(0);
    expect(usage.record).toHaveBeenCalledWith(
      state.tokenId,
      state.tenantId,
      clock.now(),
      VerifyReason.Ok,
      undefined,
    );
  });

  it('on a cache miss reads Postgres and fills the cache only if absent, for the token TTL', async () => {
    const state = aTokenState().build();
    const { token, hash } = issued(state);

    const verdict = await service.verify(token);

    expect(verdict.reason).toBe(VerifyReason.Ok);
    expect(store.lookups).toBe(1);
    expect(cache.calls).toEqual(['get', 'putIfAbsent']);
    expect(cache.entries.get(hash)).toEqual({ state, ttlSeconds: 300 });
  });

  it('counts every verdict on a known token with the name its caller gave, refusals included', async () => {
    const { token } = issued(aTokenState().restrictedTo('project-1').build());

    await service.verify(token, { resource: 'project-1', caller: 'billing-api' });
    await service.verify(token, { resource: 'project-2', caller: 'billing-api' });
    await service.verify(token, { resource: 'project-1' });

    expect(usage.record.mock.calls.map((call) => [call[3], call[4]])).toEqual([
      [VerifyReason.Ok, 'billing-api'],
      [VerifyReason.ResourceForbidden, 'billing-api'],
      [VerifyReason.Ok, undefined],
    ]);
  });

  it('answers the second verification from the cache', async () => {
    const { token } = issued();

    await service.verify(token);
    await service.verify(token);

    expect(store.lookups).toBe(1);
    expect(usage.record).toHaveBeenCalledTimes(2);
  });

  it('refuses an unknown token as NOT_FOUND and caches that for the negative TTL', async () => {
    const { token, hash } = generateToken();

    const verdict = await service.verify(token);

    expect(verdict).toEqual({
      valid: false,
      reason: VerifyReason.NotFound,
      tokenId: null,
      tenantId: null,
      ownerId: null,
      expiresAt: null,
      effectivePermissions: [],
      resources: [],
    });
    expect(cache.entries.get(hash)).toEqual({ state: { found: false }, ttlSeconds: 30 });
    expect(usage.record).not.toHaveBeenCalled();
  });

  it('rejects a revoked token whose tombstone is cached, even though Postgres still says active', async () => {
    const active = aTokenState().build();
    const { token, hash } = issued(active);
    cache.entries.set(hash, { state: { ...active, revoked: true }, ttlSeconds: 300 });

    const verdict = await service.verify(token);

    expect(verdict).toMatchObject({ valid: false, reason: VerifyReason.Revoked, tokenId: active.tokenId });
    expect(store.lookups).toBe(0);
    expect(reasonsRecorded()).toEqual([VerifyReason.Revoked]);
  });

  it('never overwrites a tombstone written while Postgres was being read, and honours it', async () => {
    const active = aTokenState().build();
    const { token, hash } = issued(active);
    const tombstone = { state: { ...active, revoked: true }, ttlSeconds: 300 };
    store.duringLookup = () => cache.entries.set(hash, tombstone);

    const verdict = await service.verify(token);

    expect(verdict.reason).toBe(VerifyReason.Revoked);
    expect(cache.entries.get(hash)).toBe(tombstone);
    expect(reasonsRecorded()).toEqual([VerifyReason.Revoked]);
  });

  it('rejects a token revoked in Postgres', async () => {
    const { token } = issued(aTokenState().revoked().build());

    expect((await service.verify(token)).reason).toBe(VerifyReason.Revoked);
  });

  it('rejects a token whose expiry has come', async () => {
    const { token } = issued(aTokenState().expiringAt(clock.now()).build());

    const verdict = await service.verify(token);

    expect(verdict).toMatchObject({
      valid: false,
      reason: VerifyReason.Expired,
      expiresAt: clock.now().toISOString(),
    });
    expect(reasonsRecorded()).toEqual([VerifyReason.Expired]);
  });

  it('accepts a cached token until its expiry, then rejects it as EXPIRED', async () => {
    const { token } = issued(
      aTokenState()
        .expiringAt(new Date(clock.now().getTime() + 1_000))
        .build(),
    );

    expect((await service.verify(token)).reason).toBe(VerifyReason.Ok);
    clock.advance(1_000);
    expect((await service.verify(token)).reason).toBe(VerifyReason.Expired);
  });

  it('reports revocation rather than expiry when a token is both', async () => {
    const { token } = issued(aTokenState().revoked().expiringAt(new Date(0)).build());

    expect((await service.verify(token)).reason).toBe(VerifyReason.Revoked);
  });

  it('falls back to Postgres when Redis is down, without writing the cache', async () => {
    const state = aTokenState().build();
    const { token } = issued(state);
    cache.down = true;

    const verdict = await service.verify(token);

    expect(verdict).toMatchObject({ valid: true, reason: VerifyReason.Ok, tokenId: state.tokenId });
    expect(store.lookups).toBe(1);
    expect(cache.calls).toEqual(['get']);
    expect(logs.lines.some((line) => line.includes('token-state cache unavailable'))).toBe(true);
  });

  it('still refuses a revoked token from Postgres when Redis is down', async () => {
    const { token } = issued(aTokenState().revoked().build());
    cache.down = true;

    expect((await service.verify(token)).reason).toBe(VerifyReason.Revoked);
  });

  it('fails with VERIFIER_UNAVAILABLE rather than answering when Redis and Postgres are both down', async () => {
    const { token } = issued();
    cache.down = true;
    store.down = true;

    const failure = await service.verify(token).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(VerificationError);
    expect(failure).toMatchObject({ code: VerificationErrorCode.Unavailable, status: 503 });
    expect(usage.record).not.toHaveBeenCalled();
  });

  it('fails with VERIFIER_UNAVAILABLE on a cache miss while Postgres is down', async () => {
    const { token, hash } = issued();
    store.down = true;

    await expect(service.verify(token)).rejects.toMatchObject({ code: VerificationErrorCode.Unavailable });
    expect(cache.entries.has(hash)).toBe(false);
  });

  it('answers from Postgres but does not cache a read slower than the TTL', async () => {
    const { token, hash } = issued();
    store.duringLookup = () => clock.advance(settings.TOKEN_CACHE_TTL_SECONDS * 1000);

    const verdict = await service.verify(token);

    expect(verdict.reason).toBe(VerifyReason.Ok);
    expect(cache.entries.has(hash)).toBe(false);
  });

  it('still answers when filling the cache fails', async () => {
    const { token } = issued();
    cache.putIfAbsent = () => Promise.reject(new Error('Command timed out'));

    expect((await service.verify(token)).reason).toBe(VerifyReason.Ok);
  });

  it('never logs the token or its hash', async () => {
    const known = issued();
    const unknown = generateToken();
    const revoked = issued(aTokenState().revoked().build());
    await service.verify(known.token);
    await service.verify(unknown.token);
    await service.verify(revoked.token);
    cache.down = true;
    const uncached = issued();
    await service.verify(uncached.token);
    store.down = true;
    await service.verify(uncached.token).catch(() => undefined);

    expect(logs.lines.length).toBeGreaterThan(0);
    const written = logs.lines.join('\n');
    for (const secret of [known, unknown, revoked, uncached].flatMap(({ token, hash }) => [token, hash])) {
      expect(written).not.toContain(secret);
    }
  });

  describe('refusal limits per caller', () => {
    const caller = '203.0.113.9';

    async function refuseUntilBlocked(): Promise<void> {
      for (let i = 0; i < 3; i++) {
        await expect(service.verify(generateToken().token, {}, caller)).resolves.toMatchObject({
          reason: VerifyReason.NotFound,
        });
      }
      // The limit is passed on this one: still answered, and from now on the caller is blocked.
      await service.verify(generateToken().token, {}, caller);
    }

    it('answers 429 RATE_LIMITED once a caller’s refusals pass the limit, without reading Postgres', async () => {
      await refuseUntilBlocked();
      const lookups = store.lookups;

      const refused = service.verify(generateToken().token, {}, caller);

      await expect(refused).rejects.toMatchObject({
        code: VerificationErrorCode.RateLimited,
        status: 429,
        extensions: { retryAfterSeconds: 60 },
      });
      await expect(service.verify('garbage', {}, caller)).rejects.toMatchObject({ status: 429 });
      expect(store.lookups).toBe(lookups);
    });

    it('still answers a blocked caller’s valid token the cache knows', async () => {
      const { token } = issued();
      await service.verify(token, {}, caller);
      await refuseUntilBlocked();

      await expect(service.verify(token, {}, caller)).resolves.toMatchObject({ valid: true });
    });

    it('counts no verdict for a refusal answered 429 instead, and still counts the valid ones', async () => {
      const { token } = issued(aTokenState().revoked().build());
      const live = issued();
      await service.verify(live.token, {}, caller);
      await service.verify(token);
      await refuseUntilBlocked();
      usage.record.mockClear();

      await expect(service.verify(token, {}, caller)).rejects.toMatchObject({ status: 429 });
      await service.verify(live.token, {}, caller);

      expect(reasonsRecorded()).toEqual([VerifyReason.Ok]);
    });

    it('never counts valid verdicts, and limits each caller on its own', async () => {
      const { token } = issued();
      for (let i = 0; i < 20; i++) {
        await expect(service.verify(token, {}, caller)).resolves.toMatchObject({ valid: true });
      }
      await refuseUntilBlocked();

      await expect(service.verify(generateToken().token, {}, '198.51.100.1')).resolves.toMatchObject({
        reason: VerifyReason.NotFound,
      });
    });

    it('lets the caller in again when its window ends', async () => {
      await refuseUntilBlocked();

      clock.advance(60_000);

      await expect(service.verify(generateToken().token, {}, caller)).resolves.toMatchObject({
        reason: VerifyReason.NotFound,
      });
    });
  });

  describe('permissions, evaluated at use time', () => {
    it('answers the token scopes cut down to the owner’s current role', async () => {
      const state = aTokenState().scoped('projects:read', 'projects:write').build();
      const { token } = issued(state);
      expect(await service.verify(token)).toMatchObject({
        valid: true,
        effectivePermissions: ['projects:read', 'projects:write'],
      });
      owners.set(state.tenantId, state.ownerId, { active: true, role: 'member' });
      const downgraded = await service.verify(token, { requiredScopes: ['projects:write'] });
      expect(downgraded).toMatchObject({
        valid: false,
        reason: VerifyReason.InsufficientScope,
        effectivePermissions: ['projects:read'],
      });
      expect(await service.verify(token, { requiredScopes: ['projects:read'] })).toMatchObject({
        valid: true,
      });
    });

    it('lets "*" inherit everything the owner can do', async () => {
      const { token } = issued(aTokenState().build());
      expect((await service.verify(token)).effectivePermissions).toEqual(CATALOG);
    });

    it('refuses every token of a removed owner, counted as a refusal, not a use', async () => {
      const state = aTokenState().build();
      const { token } = issued(state);
      owners.set(state.tenantId, state.ownerId, { active: false });
      expect(await service.verify(token)).toMatchObject({ valid: false, reason: VerifyReason.OwnerInactive });
      expect(reasonsRecorded()).toEqual([VerifyReason.OwnerInactive]);
    });

    it('keeps a resource-restricted token to its resources', async () => {
      const { token } = issued(aTokenState().restrictedTo('project-1').build());
      expect(await service.verify(token, { resource: 'project-1' })).toMatchObject({
        valid: true,
        resources: ['project-1'],
      });
      expect(await service.verify(token, { resource: 'project-2' })).toMatchObject({
        valid: false,
        reason: VerifyReason.ResourceForbidden,
      });
      const { token: open } = issued(aTokenState().build());
      expect(await service.verify(open, { resource: 'project-2' })).toMatchObject({ valid: true });
    });

    it('refuses a restricted token verified without a resource unless the caller enforces resources', async () => {
      const { token } = issued(aTokenState().restrictedTo('project-1').build());
      for (const needs of [{}, { resource: '' }, { callerEnforcesResources: false }]) {
        expect(await service.verify(token, needs)).toMatchObject({
          valid: false,
          reason: VerifyReason.ResourceRequired,
          resources: ['project-1'],
        });
      }
      expect(await service.verify(token, { callerEnforcesResources: true })).toMatchObject({
        valid: true,
        reason: VerifyReason.Ok,
        resources: ['project-1'],
      });
      // Naming a resource is checked whatever the flag says.
      expect(
        await service.verify(token, { resource: 'project-2', callerEnforcesResources: true }),
      ).toMatchObject({ valid: false, reason: VerifyReason.ResourceForbidden });
      const { token: open } = issued(aTokenState().build());
      expect(await service.verify(open)).toMatchObject({ valid: true, resources: [] });
    });

    it('gives no verdict when the owner directory cannot be read', async () => {
      const { token } = issued();
      jest.spyOn(owners, 'standing').mockRejectedValue(new Error('down'));
      await expect(service.verify(token)).rejects.toMatchObject({ code: VerificationErrorCode.Unavailable });
    });
  });
  describe('plans at use time (seed 004)', () => {
    it('refuses every token of a tenant whose plan has no API access, as PLAN_INACTIVE, counted as a refusal', async () => {
      const withoutAccess = new VerificationService(
        cache,
        store,
        usage,
        settings,
        clock.now,
        owners,
        refusals,
        undefined,
        { hasApiAccess: (tenantId) => Promise.resolve(tenantId !== 'lapsed') },
      );
      const lapsed = issued({ ...aTokenState().build(), tenantId: 'lapsed' });
      const paying = issued({ ...aTokenState().build(), tenantId: 'paying' });
      await expect(withoutAccess.verify(lapsed.token)).resolves.toMatchObject({
        valid: false,
        reason: VerifyReason.PlanInactive,
        tenantId: 'lapsed',
      });
      expect(reasonsRecorded()).toEqual([VerifyReason.PlanInactive]);
      await expect(withoutAccess.verify(paying.token)).resolves.toMatchObject({ valid: true });
    });

    it('gives no verdict when the tenant directory cannot be read', async () => {
      const broken = new VerificationService(
        cache,
        store,
        usage,
        settings,
        clock.now,
        owners,
        refusals,
        undefined,
        { hasApiAccess: () => Promise.reject(new Error('connection refused')) },
      );
      await expect(broken.verify(issued().token)).rejects.toMatchObject({
        code: VerificationErrorCode.Unavailable,
      });
    });
  });

  describe('memory, under the cache lease', () => {
    let trusted: boolean;
    let memory: VerdictMemory;
    let remembering: VerificationService;

    beforeEach(() => {
      trusted = true;
      memory = new VerdictMemory(
        { trusted: () => trusted },
        { maxEntries: 100, maxBytes: 1_000_000, ttlMs: 300_000 },
      );
      remembering = new VerificationService(
        cache,
        store,
        usage,
        settings,
        clock.now,
        owners,
        refusals,
        memory,
      );
    });

    const serviceOver = (tokenCache: TokenStateCache, tokenStore: TokenStore) =>
      new VerificationService(tokenCache, tokenStore, usage, settings, clock.now, owners, refusals, memory);

    /** Holds the first read it wraps (what it read is fixed when called) until released. */
    function gated() {
      let release: () => void = () => undefined;
      let arrived: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (release = resolve));
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      let first = true;
      const hold = async <T>(read: Promise<T>): Promise<T> => {
        if (!first) return read;
        first = false;
        const value = await read;
        arrived();
        await opened;
        return value;
      };
      return {
        reached,
        release: () => release(),
        cache: (inner: TokenStateCache): TokenStateCache => ({
          get: (key) => hold(inner.get(key)),
          putIfAbsent: (key, state, ttl) => inner.putIfAbsent(key, state, ttl),
        }),
        store: (inner: TokenStore): TokenStore => ({ findByHash: (key) => hold(inner.findByHash(key)) }),
      };
    }

    it('answers a token it has seen from memory, without reading the cache or Postgres', async () => {
      const { token } = issued();
      await remembering.verify(token);
      const reads = cache.calls.length;
      const lookups = store.lookups;

      await expect(remembering.verify(token)).resolves.toMatchObject({ valid: true });
      expect(cache.calls.length).toBe(reads);
      expect(store.lookups).toBe(lookups);
    });

    it('reads again as soon as the lease no longer vouches for memory', async () => {
      const { token } = issued();
      await remembering.verify(token);
      trusted = false;
      const reads = cache.calls.length;
      await remembering.verify(token);
      expect(cache.calls.length).toBe(reads + 1);
    });

    it('does not remember a state read before an invalidation that arrived while it was read', async () => {
      const { token, hash } = issued();
      cache.entries.set(hash, { state: aTokenState().build(), ttlSeconds: 300 });
      const gate = gated();
      const service = serviceOver(gate.cache(cache), store);
      const first = service.verify(token);
      await gate.reached;
      // The issuer overwrites the entry and invalidates while the "active" entry is on its way back.
      cache.entries.set(hash, { state: aTokenState().revoked().build(), ttlSeconds: 300 });
      memory.evict({ tokens: [hash], members: [] });
      gate.release();
      await expect(first).resolves.toMatchObject({ valid: true }); // sent before the change returned
      await expect(service.verify(token)).resolves.toMatchObject({ valid: false, reason: 'REVOKED' });
    });

    it('makes one load for concurrent verifications of one token', async () => {
      const { token } = issued();
      const verdicts = await Promise.all(Array.from({ length: 20 }, () => remembering.verify(token)));
      expect(verdicts.every((v) => v.valid)).toBe(true);
      expect(store.lookups).toBe(1);
    });

    describe('at once (verifyNow)', () => {
      it('gives a warm token the verdict verify gives, with no read, and counts the use', async () => {
        const { token } = issued();
        const loaded = await remembering.verify(token, { requiredScopes: ['projects:read'] });
        const reads = cache.calls.length;
        usage.record.mockClear();

        expect(remembering.verifyNow(token, { requiredScopes: ['projects:read'] })).toEqual(loaded);
        expect(cache.calls.length).toBe(reads);
        expect(store.lookups).toBe(1);
        expect(usage.record).toHaveBeenCalledTimes(1);
      });

      it('gives no verdict, and counts nothing, for a token memory does not hold', () => {
        const { token } = issued();

        expect(remembering.verifyNow(token, {}, 'caller-a')).toBeUndefined();
        expect(store.lookups).toBe(0);
        expect(usage.record).not.toHaveBeenCalled();
      });

      it('gives no verdict once the lease no longer vouches for memory, nor after an invalidation', async () => {
        const { token, hash } = issued();
        await remembering.verify(token);

        trusted = false;
        expect(remembering.verifyNow(token)).toBeUndefined();
        trusted = true;
        memory.evict({ tokens: [hash], members: [] });
        expect(remembering.verifyNow(token)).toBeUndefined();
      });

      it('applies the owner’s standing and the caller’s needs as verify does', async () => {
        const state = aTokenState().scoped('projects:read').build();
        const { token } = issued(state);
        await remembering.verify(token);

        expect(remembering.verifyNow(token, { requiredScopes: ['tasks:write'] })).toMatchObject({
          valid: false,
          reason: 'INSUFFICIENT_SCOPE',
        });
        owners.set(state.tenantId, state.ownerId, { active: false });
        expect(remembering.verifyNow(token)).toMatchObject({ valid: false, reason: 'OWNER_INACTIVE' });
      });

      it('refuses a malformed token at once, counting the refusal against its caller', async () => {
        for (let i = 0; i < 3; i += 1) {
          expect(remembering.verifyNow('lk_nope', {}, 'caller-b')).toMatchObject({ reason: 'MALFORMED' });
        }
        await remembering.verify('lk_nope', {}, 'caller-b');
        await new Promise((resolve) => setImmediate(resolve));

        expect(() => remembering.verifyNow('lk_nope', {}, 'caller-b')).toThrow(
          expect.objectContaining({ code: VerificationErrorCode.RateLimited }) as Error,
        );
      });
    });

    it('does not join a load in flight that an invalidation overtook: it loads anew', async () => {
      const { token, hash } = issued();
      cache.entries.set(hash, { state: aTokenState().build(), ttlSeconds: 300 });
      const gate = gated();
      const service = serviceOver(gate.cache(cache), store);
      const first = service.verify(token);
      await gate.reached;
      // Revoked as the issuer does it (entry, invalidation, commit) while the first read is on its way back.
      cache.entries.set(hash, { state: aTokenState().revoked().build(), ttlSeconds: 300 });
      memory.evict({ tokens: [hash], members: [] });
      const second = service.verify(token);
      gate.release();
      await expect(first).resolves.toMatchObject({ valid: true }); // sent before the change returned
      await expect(second).resolves.toMatchObject({ valid: false, reason: 'REVOKED' });
    });
  });
});

describe('judge', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');

  it('treats an expiry it cannot read as passed', () => {
    const state = { ...aTokenState().build(), expiresAt: 'not a date' };

    expect(judge(state, now).reason).toBe(VerifyReason.Expired);
  });

  it('accepts a token that never expires', () => {
    expect(judge(aTokenState().build(), now)).toMatchObject({
      valid: true,
      reason: VerifyReason.Ok,
      expiresAt: null,
    });
  });
});

function flipLastCharacter(token: string): string {
  const last = token.at(-1);
  return token.slice(0, -1) + (last === 'a' ? 'b' : 'a');
}
