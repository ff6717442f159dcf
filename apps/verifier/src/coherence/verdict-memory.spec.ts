import { aTokenState } from '../testing/fakes';
import { VerdictMemory } from './verdict-memory';

const ACTIVE = { found: true, role: 'admin', active: true } as const;

describe('VerdictMemory', () => {
  let trusted: boolean;
  let now: number;
  const memoryOf = (limits: Partial<{ maxEntries: number; maxBytes: number; ttlMs: number }> = {}) =>
    new VerdictMemory(
      { trusted: () => trusted },
      { maxEntries: 100, maxBytes: 1_000_000, ttlMs: 60_000, ...limits },
      () => now,
    );

  beforeEach(() => {
    trusted = true;
    now = 1_000;
  });

  it('answers what it was given while trusted, and nothing while not', () => {
    const memory = memoryOf();
    const state = aTokenState().build();
    memory.putToken(memory.stamp(), 'h1', state);
    memory.putMember(memory.stamp(), 'acme', 'ada', ACTIVE);
    expect(memory.token('h1')).toEqual(state);
    expect(memory.member('acme', 'ada')).toEqual(ACTIVE);

    trusted = false;
    expect(memory.token('h1')).toBeNull();
    expect(memory.member('acme', 'ada')).toBeNull();
  });

  it('keeps nothing while not trusted', () => {
    const memory = memoryOf();
    trusted = false;
    memory.putToken(memory.stamp(), 'h1', aTokenState().build());
    trusted = true;
    expect(memory.token('h1')).toBeNull();
  });

  it('does not keep a load that an invalidation overtook, whatever it named', () => {
    const memory = memoryOf();
    const stamp = memory.stamp();
    memory.evict({ tokens: ['some-other-hash'], members: [] });
    memory.putToken(stamp, 'h1', aTokenState().build());
    expect(memory.token('h1')).toBeNull();
    expect(memory.mayKeep(stamp)).toBe(false);
    expect(memory.mayKeep(memory.stamp())).toBe(true);
  });

  it('does not keep a load that a clear overtook', () => {
    const memory = memoryOf();
    const stamp = memory.stamp();
    memory.clear();
    memory.putMember(stamp, 'acme', 'ada', ACTIVE);
    expect(memory.member('acme', 'ada')).toBeNull();
  });

  it('evicts the tokens and members an invalidation names, and only those', () => {
    const memory = memoryOf();
    for (const hash of ['h1', 'h2']) memory.putToken(memory.stamp(), hash, aTokenState().build());
    for (const user of ['ada', 'bob']) memory.putMember(memory.stamp(), 'acme', user, ACTIVE);
    memory.evict({ tokens: ['h1'], members: [{ tenantId: 'acme', userId: 'bob' }] });
    expect(memory.token('h1')).toBeNull();
    expect(memory.token('h2')).not.toBeNull();
    expect(memory.member('acme', 'ada')).not.toBeNull();
    expect(memory.member('acme', 'bob')).toBeNull();
  });

  it('forgets an entry when its lifetime ends', () => {
    const memory = memoryOf({ ttlMs: 5_000 });
    memory.putToken(memory.stamp(), 'h1', aTokenState().build());
    now += 5_000;
    expect(memory.token('h1')).toBeNull();
    expect(memory.estimatedBytes).toBe(0);
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    const memory = memoryOf({ maxEntries: 3 });
    for (const hash of ['h1', 'h2', 'h3']) memory.putToken(memory.stamp(), hash, aTokenState().build());
    memory.token('h1'); // used: h2 is now the oldest
    memory.putToken(memory.stamp(), 'h4', aTokenState().build());
    expect(memory.size).toBe(3);
    expect(memory.token('h2')).toBeNull();
    expect(memory.token('h1')).not.toBeNull();
    expect(memory.token('h4')).not.toBeNull();
  });

  it('holds at most maxBytes (estimated), whatever the entry count', () => {
    const memory = memoryOf({ maxEntries: 1_000_000, maxBytes: 20_000 });
    for (let i = 0; i < 10_000; i++) {
      memory.putToken(memory.stamp(), `hash-${i}`, aTokenState().scoped('projects:read').build());
    }
    expect(memory.estimatedBytes).toBeLessThanOrEqual(20_000);
    expect(memory.size).toBeGreaterThan(0);
    expect(memory.size).toBeLessThan(100);
    expect(memory.token('hash-9999')).not.toBeNull();
  });
});
