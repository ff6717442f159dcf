import { Registry } from 'prom-client';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { CacheEntrySigner } from '@latchkey/contracts';
import { VerifierMetrics } from '../metrics/verifier-metrics';
import { aCacheScope, ManualClock } from '../testing/fakes';
import { CachedOwnerDirectory } from './owner-directory';
import { SealedCacheEntries } from './sealed-cache-entries';

const TTL = 300;
const KEY = 'lk:e1:member:tenant-1:user-7';
const SIGNING_KEY = 's'.repeat(32);

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
  let metrics: VerifierMetrics;
  /** What the issuer writes: the entry sealed under the shared key, for the cache lifetime. */
  let issuerWrites: (key: string, json: string) => void;

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
    metrics = new VerifierMetrics(new Registry());
    const signer = new CacheEntrySigner(SIGNING_KEY);
    issuerWrites = (key, json) =>
      redis.entries.set(key, signer.seal(key, json, clock.now().getTime() + TTL * 1000));
    directory = new CachedOwnerDirectory(
      redis as unknown as Redis,
      pool as unknown as Pool,
      { REDIS_KEY_PREFIX: 'lk:', TOKEN_CACHE_TTL_SECONDS: TTL, NEGATIVE_CACHE_TTL_SECONDS: 30 },
      clock.now,
      new SealedCacheEntries({ CACHE_SIGNING_KEY: SIGNING_KEY }, metrics, clock.now),
      aCacheScope(),
    );
  });

  it('reads a member from Postgres and caches the entry the issuer would write', async () => {
    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'admin' });

    expect(
      new CacheEntrySigner(SIGNING_KEY).open(KEY, redis.entries.get(KEY) ?? '', clock.now().getTime()),
    ).toMatchObject({
      ok: true,
      json: '{"found":true,"role":"admin","active":true}',
    });
  });

  it('answers from the cache, where the issuer’s role change wins', async () => {
    issuerWrites(KEY, '{"found":true,"role":"member","active":true}');

    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'member' });
  });

  it('treats an unknown or removed member as inactive', async () => {
    rows = [];
    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: false });
    issuerWrites('lk:e1:member:tenant-1:user-8', '{"found":true,"role":"admin","active":false}');
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

  it('does not believe an entry written without the signing key, and counts it', async () => {
    rows = [{ role: 'member', status: 'active' }];
    redis.entries.set(KEY, '{"found":true,"role":"owner","active":true}');
    const forger = new CacheEntrySigner('f'.repeat(32));
    redis.entries.set(
      'lk:e1:member:tenant-1:user-8',
      forger.seal(
        'lk:e1:member:tenant-1:user-8',
        '{"found":true,"role":"owner","active":true}',
        Date.now() + 9e9,
      ),
    );

    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'member' });
    await expect(directory.standing('tenant-1', 'user-8')).resolves.toEqual({ active: true, role: 'member' });
    // Counted at each read of the bad entry (the lookup reads again after its SET NX met the entry).
    expect(await metrics.render()).toMatch(
      /^latchkey_verifier_cache_entries_rejected_total\{cache="member-state",reason="malformed"\} [1-9]/m,
    );
    expect(await metrics.render()).toMatch(
      /^latchkey_verifier_cache_entries_rejected_total\{cache="member-state",reason="forged"\} [1-9]/m,
    );
  });

  it('does not believe a genuine entry copied under another member’s key, nor one past its expiry', async () => {
    rows = [{ role: 'member', status: 'active' }];
    issuerWrites('lk:e1:member:tenant-1:owner', '{"found":true,"role":"owner","active":true}');
    redis.entries.set(KEY, redis.entries.get('lk:e1:member:tenant-1:owner') ?? '');
    await expect(directory.standing('tenant-1', 'user-7')).resolves.toEqual({ active: true, role: 'member' });

    rows = [{ role: 'admin', status: 'removed' }];
    clock.advance(TTL * 1000);
    await expect(directory.standing('tenant-1', 'owner')).resolves.toEqual({ active: false });
    expect(await metrics.render()).toMatch(/reason="expired"\} [1-9]/);
  });
});
