import { Registry } from 'prom-client';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { CacheEntrySigner } from '@latchkey/contracts';
import { VerifierMetrics } from '../metrics/verifier-metrics';
import { aCacheScope, ManualClock } from '../testing/fakes';
import { SealedCacheEntries } from './sealed-cache-entries';
import { CachedTenantDirectory } from './tenant-directory';

const SIGNING_KEY = 't'.repeat(32);

/** A Redis of plain keys (GET, SET NX). */
class FakeRedis {
  readonly entries = new Map<string, string>();
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.entries.get(key) ?? null);
  }
  set(key: string, value: string): Promise<'OK' | null> {
    if (this.entries.has(key)) return Promise.resolve(null);
    this.entries.set(key, value);
    return Promise.resolve('OK');
  }
}

describe('CachedTenantDirectory', () => {
  let redis: FakeRedis;
  let plans: Map<string, string>;
  let reads: number;
  let scope: ReturnType<typeof aCacheScope>;
  let clock: ManualClock;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  beforeEach(() => {
    redis = new FakeRedis();
    plans = new Map([
      ['paying', 'team'],
      ['lapsed', 'free'],
    ]);
    reads = 0;
    clock = new ManualClock();
    scope = aCacheScope({ memoryTrusted: true });
  });

  const directory = (defaultPlan: 'free' | 'team' = 'team') =>
    new CachedTenantDirectory(
      redis as unknown as Redis,
      {
        query: (_sql: string, [id]: string[]) => {
          reads += 1;
          const plan = plans.get(id);
          return Promise.resolve({ rows: plan === undefined ? [] : [{ plan }] });
        },
      } as never,
      {
        REDIS_KEY_PREFIX: 'lk:',
        TOKEN_CACHE_TTL_SECONDS: 300,
        API_ACCESS_PLANS: ['team', 'enterprise'],
        DEFAULT_TENANT_PLAN: defaultPlan,
      },
      clock.now,
      new SealedCacheEntries(
        { CACHE_SIGNING_KEY: SIGNING_KEY },
        new VerifierMetrics(new Registry()),
        clock.now,
      ),
      scope,
    );

  it('grants API access by the tenant’s plan, as API_ACCESS_PLANS lists them', async () => {
    const tenants = directory();
    await expect(tenants.hasApiAccess('paying')).resolves.toBe(true);
    await expect(tenants.hasApiAccess('lapsed')).resolves.toBe(false);
  });

  it('gives a tenant the issuer has not stored yet DEFAULT_TENANT_PLAN', async () => {
    await expect(directory('team').hasApiAccess('brand-new')).resolves.toBe(true);
    await expect(directory('free').hasApiAccess('brand-new')).resolves.toBe(false);
  });

  it('answers from memory after the first read, and fills the shared cache for the others', async () => {
    const tenants = directory();
    await tenants.hasApiAccess('paying');
    await tenants.hasApiAccess('paying');
    expect(reads).toBe(1);
    expect([...redis.entries.keys()]).toEqual(['lk:e1:tenant:paying']);
  });

  it('believes the issuer’s sealed entry over Postgres, and only a sealed one', async () => {
    const key = 'lk:e1:tenant:paying';
    const expires = clock.now().getTime() + 300_000;
    redis.entries.set(key, 'v1.9999999999999.forged.{"found":true,"plan":"free"}');
    await expect(directory().hasApiAccess('paying')).resolves.toBe(true);

    redis.entries.set(
      key,
      new CacheEntrySigner(SIGNING_KEY).seal(key, '{"found":true,"plan":"free"}', expires),
    );
    scope.memory.clear();
    await expect(directory().hasApiAccess('paying')).resolves.toBe(false);
  });

  it('reads Postgres only, without the shared cache, while the lease does not hold', async () => {
    scope.trusted = false;
    await expect(directory().hasApiAccess('lapsed')).resolves.toBe(false);
    expect(redis.entries.size).toBe(0);
  });
});
