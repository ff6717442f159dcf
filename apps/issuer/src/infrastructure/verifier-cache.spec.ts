import { CacheEntrySigner } from '@latchkey/contracts';
import { FakeVerifierCacheStore } from './testing/fake-verifier-cache-store';
import { CacheReplicationError, VerifierCacheWriter } from './verifier-cache';

const SIGNING_KEY = 'c'.repeat(32);

describe('VerifierCacheWriter', () => {
  const config = {
    CACHE_SIGNING_KEY: SIGNING_KEY,
    TOKEN_CACHE_TTL_SECONDS: 300,
    REDIS_REPLICA_ACK_TIMEOUT_MS: 250,
  };
  const setUp = () => {
    const store = new FakeVerifierCacheStore();
    return { store, writer: new VerifierCacheWriter(store, config) };
  };

  it('seals the entry over its key, value and expiry, for the cache lifetime', async () => {
    const { store, writer } = setUp();
    const before = Date.now();
    await writer.write('lk:token:aa', { found: true, revoked: true });
    const stored = store.entries.get('lk:token:aa');
    expect(stored?.ttlSeconds).toBe(300);
    const opened = new CacheEntrySigner(SIGNING_KEY).open('lk:token:aa', stored?.value ?? '', Date.now());
    expect(opened).toMatchObject({ ok: true, json: JSON.stringify({ found: true, revoked: true }) });
    if (!opened.ok) return;
    expect(opened.expiresAtMs).toBeGreaterThanOrEqual(before + 300_000);
    expect(opened.expiresAtMs).toBeLessThanOrEqual(Date.now() + 300_000);
  });

  it('does not wait when the Redis server has no replica', async () => {
    const { store, writer } = setUp();
    await writer.write('lk:token:aa', { found: false });
    expect(store.waits).toEqual([]);
  });

  it('waits for one replica’s acknowledgement when replicas are connected', async () => {
    const { store, writer } = setUp();
    store.replicas = 2;
    store.acknowledging = 1;
    await writer.write('lk:token:aa', { found: false });
    expect(store.waits).toEqual([{ replicas: 1, timeoutMs: 250 }]);
  });

  it('fails when replicas are connected but none acknowledges in time', async () => {
    const { store, writer } = setUp();
    store.replicas = 1;
    store.acknowledging = 0;
    await expect(writer.write('lk:token:aa', { found: false })).rejects.toBeInstanceOf(CacheReplicationError);
  });
});
