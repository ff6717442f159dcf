import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CacheEntrySigner, parseCacheInvalidation, sealInvalidationAck } from '@latchkey/contracts';
import type { MemoryTrust } from './verdict-memory';
import { VerdictMemory } from './verdict-memory';

/** What the lease needs of Redis (`RedisLeaseTransport`). */
export interface LeaseTransport {
  /** Connects the invalidation subscriber; `onMessage` gets every invalidation, `onLost` every drop. */
  start(handlers: { onMessage(raw: string): void; onLost(): void }): void;
  /** Whether the subscriber is connected and subscribed right now. */
  subscribed(): boolean;
  /** Adds or extends this holder's lease by `leaseMs`, by the Redis server's clock. */
  renew(holder: string, leaseMs: number): Promise<void>;
  /**
   * A round trip on the subscriber connection: when it resolves, every message published before Redis
   * answered it has been delivered (one connection delivers in order).
   */
  pingSubscriber(): Promise<void>;
  acknowledge(sealedAck: string): Promise<void>;
  release(holder: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where the current cache epoch is read (Postgres). */
export interface EpochSource {
  current(): Promise<number>;
}

export interface CacheLeaseSettings {
  leaseMs: number;
  instanceId: string;
  redisPrefix: string;
  signingKey: string;
  memory: { maxEntries: number; maxBytes: number; ttlMs: number };
}

/**
 * This verifier's lease on its caches (docs/architecture.md, "Coherent caches"). Every quarter lease,
 * a heartbeat taken at monotonic time t0:
 * 1. renews the lease in Redis (scored by the server's clock, so it lapses no earlier than t0 + lease)
 *    and reads the cache epoch from Postgres;
 * 2. PINGs the invalidation subscriber, so every invalidation published before it has been handled;
 * 3. then, and only then, trusts its memory and the shared cache's entries of that epoch until
 *    t0 + lease − margin by its own monotonic clock.
 * A failed step grants nothing, and trust runs out by itself: a verifier cut off from Redis, from
 * Postgres or from its subscriber stops answering from memory before the issuer stops waiting for it.
 * Memory is emptied whenever trust is re-established after any gap, and on any epoch change.
 */
export class CacheLease implements MemoryTrust {
  readonly memory: VerdictMemory;
  readonly holder: string;
  private readonly logger = new Logger(CacheLease.name);
  private readonly signer: CacheEntrySigner;
  private readonly marginMs: number;
  private trustedUntil = Number.NEGATIVE_INFINITY;
  private epoch: number | null = null;
  private losses = 0;
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private lastFailure: string | null = null;

  constructor(
    private readonly transport: LeaseTransport,
    private readonly epochs: EpochSource,
    private readonly settings: CacheLeaseSettings,
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {
    this.holder = `${settings.instanceId}:${randomUUID().slice(0, 8)}`;
    this.signer = new CacheEntrySigner(settings.signingKey);
    // Covers clock-rate drift between this process and Redis over one lease, and timer lateness.
    this.marginMs = Math.max(20, Math.floor(settings.leaseMs / 10));
    this.memory = new VerdictMemory(this, settings.memory);
  }

  /** Starts the subscriber and the heartbeat; resolves after the first heartbeat (trusted or not). */
  async start(): Promise<void> {
    this.transport.start({
      onMessage: (raw) => this.invalidated(raw),
      onLost: () => this.lost(),
    });
    this.timer = setInterval(
      () => void this.heartbeat(),
      Math.max(10, Math.floor(this.settings.leaseMs / 4)),
    );
    this.timer.unref();
    // The subscriber connects in the background; give it a moment so the verifier starts warm.
    for (let i = 0; i < 20 && !this.transport.subscribed(); i++) await sleep(25);
    await this.heartbeat();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.trustedUntil = Number.NEGATIVE_INFINITY;
    this.memory.clear();
    // A stopped verifier need not be waited for.
    await this.transport.release(this.holder).catch(() => undefined);
    await this.transport.stop();
  }

  trusted(): boolean {
    return this.monotonicMs() < this.trustedUntil && this.transport.subscribed();
  }

  /** The epoch whose shared-cache entries may be believed now, or null: then read Postgres only. */
  trustedEpoch(): number | null {
    return this.trusted() ? this.epoch : null;
  }

  /** One heartbeat; exposed for tests. Never rejects. */
  async heartbeat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    const t0 = this.monotonicMs();
    const lossesAtStart = this.losses;
    try {
      const [, epoch] = await Promise.all([
        this.transport.renew(this.holder, this.settings.leaseMs),
        this.epochs.current(),
      ]);
      if (!this.transport.subscribed()) throw new Error('the invalidation subscriber is not subscribed');
      await this.transport.pingSubscriber();
      if (this.losses !== lossesAtStart) throw new Error('the invalidation subscriber dropped meanwhile');
      // Any gap in trust, or another epoch: what memory holds may predate a change it never heard of.
      if (this.monotonicMs() >= this.trustedUntil || epoch !== this.epoch) this.memory.clear();
      this.epoch = epoch;
      this.trustedUntil = t0 + this.settings.leaseMs - this.marginMs;
      if (this.lastFailure !== null) this.logger.log('cache lease renewed: answering from memory again');
      this.lastFailure = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.lastFailure !== message) {
        this.logger.warn(`cache lease not renewed (${message}); memory is trusted until the lease runs out`);
      }
      this.lastFailure = message;
    } finally {
      this.beating = false;
    }
  }

  private lost(): void {
    this.losses += 1;
    this.trustedUntil = Number.NEGATIVE_INFINITY;
    this.memory.clear();
  }

  private invalidated(raw: string): void {
    const invalidation = parseCacheInvalidation(raw);
    if (invalidation === null) return;
    this.memory.evict(invalidation);
    const ack = sealInvalidationAck(
      this.signer,
      this.settings.redisPrefix,
      { id: invalidation.id, holder: this.holder },
      Date.now(),
    );
    // An ack that does not arrive only makes the issuer wait for the lease to lapse.
    this.transport.acknowledge(ack).catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
