import { CacheEntrySigner } from '@latchkey/contracts';
import type { IssuerConfig } from '../config';
import { FakeVerifierCacheStore } from '../infrastructure/testing/fake-verifier-cache-store';
import { VerifierCacheWriter } from '../infrastructure/verifier-cache';
import { MemberStateCache } from './member-state-cache';

describe('MemberStateCache', () => {
  it('overwrites the member’s entry with the new state, sealed, for the cache lifetime', async () => {
    const store = new FakeVerifierCacheStore();
    const config = {
      REDIS_KEY_PREFIX: 'lk:',
      TOKEN_CACHE_TTL_SECONDS: 300,
      CACHE_SIGNING_KEY: 'm'.repeat(32),
      REDIS_REPLICA_ACK_TIMEOUT_MS: 500,
    } as IssuerConfig;
    const cache = new MemberStateCache(new VerifierCacheWriter(store, config), config);
    await cache.publish({ tenantId: 'acme', userId: 'ada', role: 'member', status: 'active' });
    const stored = store.entries.get('lk:member:acme:ada');
    expect(stored?.ttlSeconds).toBe(300);
    expect(
      new CacheEntrySigner('m'.repeat(32)).open('lk:member:acme:ada', stored?.value ?? '', Date.now()),
    ).toMatchObject({
      ok: true,
      json: JSON.stringify({ found: true, role: 'member', active: true }),
    });
  });
});
