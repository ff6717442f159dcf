import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { ManualClock } from '../testing/fakes';
import { CachedOwnerDirectory } from './owner-directory';

const TTL = 300;
const KEY = 'lk:member:tenant-1:user-7';

class FakeRedis {
  readonly entries = new Map<string, string>();
  down = false;

  get(key: string): Promise<string | null> {
    if (this.down) return Promise.reject(new Error('Command timed out'));
    return Promise.resolve(this.entries.get(key) ?? null);
  }

  set(key: string, value: string): Promise<'OK' | null> {
    if (this.down) return Promise.reject(new Error('Command timed out'));
    if (this.entries.has(key)) return Promise.resolve(null);
    this.entries.set(key, value);
    return Promise.resolve('OK');
  }
}

describe('CachedOwnerDirectory', () => {
  let redis: FakeRedis;
  let rows: Array<{ role: string; status: string }>;
  let clock: ManualClock;
  let duringQuery: () => void;
  let directory: CachedOwnerDirectory;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  beforeEach(() => {
    redis = new FakeRedis();
    rows = [{ role: 'admin', status: 'active' }];
    clock = new ManualClock();
    duringQuery = () => undefined;
    const pool = {
      query: () => {
        duringQuery();
        return Promise.resolve({ rows });
      },
    };
    directory = new CachedOwnerDirectory(
      redis as unknown as Redis,
      pool as unknown as Pool,
      { REDIS_KEY_PREFIX: 'lk:', TOKEN_CACHE_TTL_SECONDS: TTL, NEGATIVE_CACHE_TTL_SECONDS: 30 },
      clock.now,
    );
  });

  it('reads a member from Postgres and caches the entry the issuer would write', async () => {
    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'admin' });

    expect(redis.entries.get(KEY)).toBe('{"found":true,"role":"admin","active":true}');
  });

  it('answers from the cache, where the issuer’s role change wins', async () => {
    redis.entries.set(KEY, '{"found":true,"role":"member","active":true}');

    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'member' });
  });

  it('treats an unknown or removed member as inactive', async () => {
    rows = [];
    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: false });
    redis.entries.set('lk:member:tenant-1:user-8', '{"found":true,"role":"admin","active":false}');
    await expect(directory.standing('tenant-1', 'user-8')).resolves.toEqual({ active: false });
  });

  it('does not cache a Postgres read slower than the TTL', async () => {
    duringQuery = () => clock.advance(TTL * 1000);

    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'admin' });
    expect(redis.entries.has(KEY)).toBe(false);
  });

  it('reads Postgres without writing the cache when Redis does not answer', async () => {
    redis.down = true;

    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'admin' });
  });
});
