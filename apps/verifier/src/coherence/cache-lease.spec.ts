import { Logger } from '@nestjs/common';
import { CacheEntrySigner, openInvalidationAck } from '@latchkey/contracts';
import { aTokenState } from '../testing/fakes';
import { CacheLease, type EpochSource, type LeaseTransport } from './cache-lease';

const LEASE_MS = 1_000;
const SIGNING_KEY = 'k'.repeat(32);

/** Redis as the lease sees it: each step can be made to fail or to hang until released. */
class FakeTransport implements LeaseTransport {
  handlers: { onMessage(raw: string): void; onLost(): void } | undefined;
  isSubscribed = true;
  renewFails = false;
  pingFails = false;
  readonly renewals: { holder: string; leaseMs: number }[] = [];
  readonly acks: string[] = [];
  released: string[] = [];
  /** Runs while the ping is in flight (to drop the subscriber meanwhile, say). */
  duringPing: () => void = () => undefined;

  start(handlers: { onMessage(raw: string): void; onLost(): void }): void {
    this.handlers = handlers;
  }
  subscribed(): boolean {
    return this.isSubscribed;
  }
  renew(holder: string, leaseMs: number): Promise<void> {
    if (this.renewFails) return Promise.reject(new Error('Command timed out'));
    this.renewals.push({ holder, leaseMs });
    return Promise.resolve();
  }
  pingSubscriber(): Promise<void> {
    this.duringPing();
    return this.pingFails ? Promise.reject(new Error('Command timed out')) : Promise.resolve();
  }
  acknowledge(sealedAck: string): Promise<void> {
    this.acks.push(sealedAck);
    return Promise.resolve();
  }
  release(holder: string): Promise<void> {
    this.released.push(holder);
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  /** The subscriber connection drops. */
  drop(): void {
    this.isSubscribed = false;
    this.handlers?.onLost();
  }
}

class FakeEpochs implements EpochSource {
  epoch = 1;
  fails = false;
  current(): Promise<number> {
    return this.fails ? Promise.reject(new Error('connection refused')) : Promise.resolve(this.epoch);
  }
}

describe('CacheLease', () => {
  let transport: FakeTransport;
  let epochs: FakeEpochs;
  let now: number;
  let lease: CacheLease;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new Logger());
  });

  beforeEach(() => {
    transport = new FakeTransport();
    epochs = new FakeEpochs();
    now = 10_000;
    lease = new CacheLease(
      transport,
      epochs,
      {
        leaseMs: LEASE_MS,
        instanceId: 'v-1',
        redisPrefix: 'lk:',
        signingKey: SIGNING_KEY,
        memory: { maxEntries: 100, maxBytes: 1_000_000, ttlMs: 60_000 },
      },
      () => now,
    );
    // Wire the handlers as start() does, without its timer: each heartbeat is the spec's to run.
    const internals = lease as unknown as { invalidated(raw: string): void; lost(): void };
    transport.start({
      onMessage: (raw) => {
        internals.invalidated(raw);
      },
      onLost: () => {
        internals.lost();
      },
    });
  });

  const remember = (hash: string) => lease.memory.putToken(lease.memory.stamp(), hash, aTokenState().build());

  it('trusts nothing before its first heartbeat', () => {
    expect(lease.trusted()).toBe(false);
    expect(lease.trustedEpoch()).toBeNull();
  });

  it('after a heartbeat, trusts memory and the epoch until the lease, less a margin, from the beat’s start', async () => {
    await lease.heartbeat();
    expect(transport.renewals).toEqual([{ holder: lease.holder, leaseMs: LEASE_MS }]);
    expect(lease.trusted()).toBe(true);
    expect(lease.trustedEpoch()).toBe(1);
    now += LEASE_MS - 100 - 1; // the margin is a tenth of the lease
    expect(lease.trusted()).toBe(true);
    now += 1;
    expect(lease.trusted()).toBe(false);
    expect(lease.trustedEpoch()).toBeNull();
  });

  it.each([
    ['the lease cannot be renewed in Redis', () => (transport.renewFails = true)],
    ['the epoch cannot be read from Postgres', () => (epochs.fails = true)],
    ['the subscriber does not answer its ping', () => (transport.pingFails = true)],
    ['the subscriber is not subscribed', () => (transport.isSubscribed = false)],
  ])('grants no trust when %s, and lets the last grant run out', async (_what, breakIt) => {
    await lease.heartbeat();
    now += 500;
    breakIt();
    await lease.heartbeat();
    now += 350;
    expect(lease.trusted()).toBe(transport.isSubscribed); // the old grant, unless the subscriber is gone
    now += 50;
    expect(lease.trusted()).toBe(false);
  });

  it('stops trusting at once, and forgets everything, when the subscriber drops', async () => {
    await lease.heartbeat();
    remember('h1');
    transport.drop();
    expect(lease.trusted()).toBe(false);
    transport.isSubscribed = true;
    expect(lease.memory.token('h1')).toBeNull();
    expect(lease.memory.size).toBe(0);
  });

  it('grants nothing from a heartbeat during which the subscriber dropped', async () => {
    transport.duringPing = () => {
      transport.drop();
      transport.isSubscribed = true; // reconnected at once: messages in between may be lost
    };
    await lease.heartbeat();
    expect(lease.trusted()).toBe(false);
  });

  it('empties memory when trust comes back after a gap', async () => {
    await lease.heartbeat();
    remember('h1');
    now += LEASE_MS; // lapsed
    await lease.heartbeat();
    expect(lease.trusted()).toBe(true);
    expect(lease.memory.token('h1')).toBeNull();
  });

  it('keeps memory across heartbeats that renew in time', async () => {
    await lease.heartbeat();
    remember('h1');
    now += 250;
    await lease.heartbeat();
    expect(lease.memory.token('h1')).not.toBeNull();
  });

  it('empties memory and moves to the new epoch when the epoch changes', async () => {
    await lease.heartbeat();
    remember('h1');
    epochs.epoch = 2;
    now += 250;
    await lease.heartbeat();
    expect(lease.trustedEpoch()).toBe(2);
    expect(lease.memory.token('h1')).toBeNull();
  });

  it('evicts what an invalidation names, then acknowledges it with a sealed ack', async () => {
    await lease.heartbeat();
    remember('h1');
    remember('h2');
    transport.handlers?.onMessage(JSON.stringify({ id: 'inv-1', tokens: ['h1'], members: [] }));
    expect(lease.memory.token('h1')).toBeNull();
    expect(lease.memory.token('h2')).not.toBeNull();
    expect(transport.acks).toHaveLength(1);
    const signer = new CacheEntrySigner(SIGNING_KEY);
    expect(openInvalidationAck(signer, 'lk:', transport.acks[0], Date.now())).toEqual({
      id: 'inv-1',
      holder: lease.holder,
    });
    // Not an ack under another key.
    expect(
      openInvalidationAck(new CacheEntrySigner('x'.repeat(32)), 'lk:', transport.acks[0], Date.now()),
    ).toBeNull();
  });

  it('ignores a message that is not an invalidation', async () => {
    await lease.heartbeat();
    remember('h1');
    transport.handlers?.onMessage('{"tokens":"h1"}');
    transport.handlers?.onMessage('not json');
    expect(lease.memory.token('h1')).not.toBeNull();
    expect(transport.acks).toEqual([]);
  });

  it('gives its lease up when it stops', async () => {
    await lease.heartbeat();
    await lease.stop();
    expect(transport.released).toEqual([lease.holder]);
    expect(lease.trusted()).toBe(false);
  });
});
