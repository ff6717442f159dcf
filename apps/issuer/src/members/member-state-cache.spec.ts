import type Redis from 'ioredis';
import type { IssuerConfig } from '../config';
import { MemberStateCache } from './member-state-cache';

describe('MemberStateCache', () => {
  it('overwrites the member’s entry with the new state, for the cache lifetime', async () => {
    const set = jest.fn(() => Promise.resolve('OK'));
    const cache = new MemberStateCache(
      { set } as unknown as Redis,
      { REDIS_KEY_PREFIX: 'lk:', TOKEN_CACHE_TTL_SECONDS: 300 } as IssuerConfig,
    );
    await cache.publish({ tenantId: 'acme', userId: 'ada', role: 'member', status: 'active' });
    expect(set).toHaveBeenCalledWith(
      'lk:member:acme:ada',
      JSON.stringify({ found: true, role: 'member', active: true }),
      'EX',
      300,
    );
  });
});
