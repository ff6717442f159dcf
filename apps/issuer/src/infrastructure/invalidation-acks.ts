import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { CacheEntrySigner, invalidationAckChannel, openInvalidationAck } from '@latchkey/contracts';
import { InjectRedis } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';

/** A verifier holding a lease, and how long its lease has left when the invalidation went out. */
export interface Leaseholder {
  holder: string;
  remainingMs: number;
}

/** The wait for one invalidation's acknowledgements. */
export interface AckExpectation {
  /** Resolves once each holder has acknowledged or its lease has lapsed. */
  settle(holders: Leaseholder[]): Promise<void>;
  cancel(): void;
}

interface Pending {
  acked: Set<string>;
  notify?: () => void;
}

/**
 * Listens for verifiers' acknowledgements of invalidations (sealed; a forged one is ignored) on a
 * subscriber connection of its own. If that connection is down, no ack arrives and every wait runs to
 * the leases' ends: slower, never wrong, and bounded by one lease.
 */
@Injectable()
export class InvalidationAcks implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InvalidationAcks.name);
  private readonly pending = new Map<string, Pending>();
  private readonly signer: CacheEntrySigner;
  private subscriber: Redis | undefined;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @Inject(ISSUER_CONFIG)
    private readonly config: Pick<IssuerConfig, 'REDIS_KEY_PREFIX' | 'CACHE_SIGNING_KEY'>,
  ) {
    this.signer = new CacheEntrySigner(config.CACHE_SIGNING_KEY);
  }

  async onModuleInit(): Promise<void> {
    const subscriber = this.redis.duplicate({
      connectionName: 'latchkey-issuer-acks',
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    subscriber.on('error', (error: unknown) =>
      this.logger.warn(`ack subscriber: ${error instanceof Error ? error.message : String(error)}`),
    );
    subscriber.on('message', (_channel: string, message: string) => this.received(message));
    // Not awaited to the end: an issuer starts while Redis is away, and waits fall back to lease ends.
    await Promise.race([
      subscriber.subscribe(invalidationAckChannel(this.config.REDIS_KEY_PREFIX)).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || subscriber.status === 'end') return;
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Starts collecting acks for `id` (before publishing it: an ack may arrive before the publish returns). */
  expect(id: string): AckExpectation {
    const pending: Pending = { acked: new Set() };
    this.pending.set(id, pending);
    return {
      settle: (holders) => this.settle(pending, holders),
      cancel: () => this.pending.delete(id),
    };
  }

  private received(message: string): void {
    const ack = openInvalidationAck(this.signer, this.config.REDIS_KEY_PREFIX, message, Date.now());
    if (ack === null) return;
    const pending = this.pending.get(ack.id);
    if (!pending) return;
    pending.acked.add(ack.holder);
    pending.notify?.();
  }

  private async settle(pending: Pending, holders: Leaseholder[]): Promise<void> {
    const started = performance.now();
    const waiting = new Map(holders.map((h) => [h.holder, started + h.remainingMs]));
    for (;;) {
      const now = performance.now();
      for (const [holder, lapsesAt] of waiting) {
        if (pending.acked.has(holder)) waiting.delete(holder);
        else if (now >= lapsesAt) {
          waiting.delete(holder);
          this.logger.warn(`verifier ${holder} did not acknowledge an invalidation; its lease lapsed`);
        }
      }
      if (waiting.size === 0) return;
      const nextLapse = Math.min(...waiting.values());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, nextLapse - now));
        pending.notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      pending.notify = undefined;
    }
  }
}
