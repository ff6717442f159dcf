import { Registry } from 'prom-client';
import { VerifierMetrics } from '../metrics/verifier-metrics';
import { aCacheScope, aTokenState, ManualClock, tokenWithOwnerScript } from '../testing/fakes';
import { SealedCacheEntries } from './sealed-cache-entries';
import { RedisTokenStateCache } from './token-state-cache';

function cacheOver(redis: ReturnType<typeof fakeRedis>, clock: ManualClock) {
  const sealed = new SealedCacheEntries(
    { CACHE_SIGNING_KEY: 's'.repeat(32) },
    new VerifierMetrics(new Registry()),
    clock.now,
  );
  return new RedisTokenStateCache(redis as never, config, sealed, clock.now, aCacheScope());
}

const config = { REDIS_KEY_PREFIX: 'lk:', NEGATIVE_CACHE_MAX_ENTRIES: 100 };

/** A Redis of plain keys, counting what reaches it. */
function fakeRedis() {
  const keys = new Map<string, string>();
  const redis = {
    keys,
    eval: jest.fn(tokenWithOwnerScript(keys)),
    set: jest.fn((key: string, value: string) => {
      if (keys.has(key)) return Promise.resolve(null);
      keys.set(key, value);
      return Promise.resolve('OK');
    }),
  };
  return redis;
}

describe('RedisTokenStateCache', () => {
  it('keeps unknown hashes out of Redis, in a cache bounded in entries', async () => {
    const redis = fakeRedis();
    const clock = new ManualClock();
    const cache = cacheOver(redis, clock);

    for (let i = 0; i < 1_000; i++) {
      await expect(cache.putIfAbsent(`random-${i}`, { found: false }, 30)).resolves.toBe(true);
    }

    expect(redis.keys.size).toBe(0);
    expect(redis.set).not.toHaveBeenCalled();
    // The newest are remembered (no Redis read for them); the oldest were evicted by the bound.
    await expect(cache.get('random-999')).resolves.toEqual({ found: false });
    expect(redis.eval).not.toHaveBeenCalled();
    await expect(cache.get('random-0')).resolves.toBeNull();
    expect(redis.eval).toHaveBeenCalledTimes(1);
  });

  it('forgets an unknown hash when its lifetime ends', async () => {
    const redis = fakeRedis();
    const clock = new ManualClock();
    const cache = cacheOver(redis, clock);
    await cache.putIfAbsent('h', { found: false }, 30);

    clock.advance(30_000);

    await expect(cache.get('h')).resolves.toBeNull();
  });

  it('keeps known tokens in Redis (shared with the issuer and other verifiers)', async () => {
    const redis = fakeRedis();
    const cache = cacheOver(redis, new ManualClock());
    const state = aTokenState().build();

    await cache.putIfAbsent('known', state, 300);

    expect([...redis.keys.keys()]).toEqual(['lk:e1:token:known']);
    await expect(cache.get('known')).resolves.toEqual(state);
  });
});
