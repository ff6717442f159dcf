import { CacheEntrySigner } from '@latchkey/contracts';
import type { Tx } from '../database/transaction';
import type { Leaseholder } from './invalidation-acks';
import { FakeVerifierCacheStore } from './testing/fake-verifier-cache-store';
import {
  CacheReplicationError,
  type CacheWriteTx,
  VerifierCacheUnreachableError,
  VerifierCacheWriter,
} from './verifier-cache';

const SIGNING_KEY = 'c'.repeat(32);
const REVOKED = {
  found: true as const,
  tokenId: 't-1',
  tenantId: 'acme',
  ownerId: 'ada',
  revoked: true,
  expiresAt: null,
  scopes: ['*'],
  resources: [],
};

/** The epoch row as the writer sees it: current epoch, recently bumped or not, and bumps made. */
class FakeEpochs {
  epoch = 4;
  recentlyBumped = false;
  readonly locked: Tx[] = [];
  bumps = 0;

  readShared(tx: Tx) {
    this.locked.push(tx);
    return Promise.resolve({ epoch: this.epoch, bumpedWithinMs: this.recentlyBumped });
  }

  bump() {
    this.bumps += 1;
    this.epoch += 1;
    return Promise.resolve(this.epoch);
  }
}

/** Acks as the issuer's subscriber would collect them: records what it was asked to wait for. */
class FakeAcks {
  readonly expected: string[] = [];
  readonly settled: Leaseholder[][] = [];
  cancelled = 0;

  expect(id: string) {
    this.expected.push(id);
    return {
      settle: (holders: Leaseholder[]) => {
        this.settled.push(holders);
        return Promise.resolve();
      },
      cancel: () => {
        this.cancelled += 1;
      },
    };
  }
}

describe('VerifierCacheWriter', () => {
  const config = {
    CACHE_SIGNING_KEY: SIGNING_KEY,
    TOKEN_CACHE_TTL_SECONDS: 300,
    REDIS_REPLICA_ACK_TIMEOUT_MS: 250,
    REDIS_KEY_PREFIX: 'lk:',
    CACHE_LEASE_MS: 2_000,
  };
  const tx = (cacheUnreachable = false) => ({ cacheUnreachable }) as unknown as CacheWriteTx;
  const setUp = () => {
    const store = new FakeVerifierCacheStore();
    const epochs = new FakeEpochs();
    const acks = new FakeAcks();
    return { store, epochs, acks, writer: new VerifierCacheWriter(store, config, epochs, acks) };
  };
  const revocation = { tokens: [{ tokenHash: 'aa', state: REVOKED }] };

  it('seals the entry under the current epoch’s key, over its key, value and expiry', async () => {
    const { store, writer, epochs } = setUp();
    const before = Date.now();
    const change = tx();
    await writer.propagate(change, revocation);
    expect(epochs.locked).toEqual([change]);
    expect([...store.entries.keys()]).toEqual(['lk:e4:token:aa']);
    const stored = store.entries.get('lk:e4:token:aa');
    expect(stored?.ttlSeconds).toBe(300);
    const opened = new CacheEntrySigner(SIGNING_KEY).open('lk:e4:token:aa', stored?.value ?? '', Date.now());
    expect(opened).toMatchObject({ ok: true, json: JSON.stringify(REVOKED) });
    if (!opened.ok) return;
    expect(opened.expiresAtMs).toBeGreaterThanOrEqual(before + 300_000);
  });

  it('also writes the previous epoch’s key while verifiers may still be switching to a new epoch', async () => {
    const { store, writer, epochs } = setUp();
    epochs.recentlyBumped = true;
    await writer.propagate(tx(), {
      members: [{ tenantId: 'acme', userId: 'ada', state: { found: true, role: 'member', active: false } }],
    });
    expect([...store.entries.keys()].sort()).toEqual(['lk:e3:member:acme:ada', 'lk:e4:member:acme:ada']);
  });

  it('publishes one invalidation naming what changed, after the entries, and waits for its leaseholders', async () => {
    const { store, writer, acks } = setUp();
    store.leaseholders = [{ holder: 'v-1', remainingMs: 1_500 }];
    await writer.propagate(tx(), {
      tokens: [{ tokenHash: 'aa', state: REVOKED }],
      members: [{ tenantId: 'acme', userId: 'ada', state: { found: true, role: 'member', active: true } }],
    });
    expect(store.published).toHaveLength(1);
    const invalidation = JSON.parse(store.published[0]) as { id: string };
    expect(invalidation).toEqual({
      id: acks.expected[0],
      tokens: ['aa'],
      members: [{ tenantId: 'acme', userId: 'ada' }],
      tenants: [],
    });
    expect(acks.settled).toEqual([[{ holder: 'v-1', remainingMs: 1_500 }]]);
    expect(acks.cancelled).toBe(1);
  });

  it('writes a tenant’s new plan under its key and names the tenant in the invalidation', async () => {
    const { store, writer } = setUp();
    await writer.propagate(tx(), { tenants: [{ tenantId: 'acme', state: { found: true, plan: 'free' } }] });
    expect([...store.entries.keys()]).toEqual(['lk:e4:tenant:acme']);
    expect(JSON.parse(store.published[0])).toMatchObject({ tokens: [], members: [], tenants: ['acme'] });
  });

  it('does not wait for replicas when the Redis server has none', async () => {
    const { store, writer } = setUp();
    await writer.propagate(tx(), revocation);
    expect(store.waits).toEqual([]);
  });

  it('waits for one replica’s acknowledgement when replicas are connected', async () => {
    const { store, writer } = setUp();
    store.replicas = 2;
    store.acknowledging = 1;
    await writer.propagate(tx(), revocation);
    expect(store.waits).toEqual([{ replicas: 1, timeoutMs: 250 }]);
  });

  it('fails, publishing nothing, when replicas are connected but none acknowledges in time', async () => {
    const { store, writer } = setUp();
    store.replicas = 1;
    store.acknowledging = 0;
    await expect(writer.propagate(tx(), revocation)).rejects.toBeInstanceOf(CacheReplicationError);
    expect(store.published).toEqual([]);
  });

  it('reports an unreachable Redis as such, so the change is run again in outage mode', async () => {
    const { store, writer } = setUp();
    store.down = true;
    await expect(writer.propagate(tx(), revocation)).rejects.toBeInstanceOf(VerifierCacheUnreachableError);
  });

  it('in outage mode bumps the epoch and touches no Redis key', async () => {
    const { store, writer, epochs } = setUp();
    store.down = true;
    await writer.propagate(tx(true), revocation);
    expect(epochs.bumps).toBe(1);
    expect(store.entries.size).toBe(0);
  });
});
