import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import {
  invalidationAckChannel,
  invalidationChannel,
  invalidationSubscriberName,
  verifierLeasesKey,
} from '@latchkey/contracts';
import type { EpochSource, LeaseTransport } from './cache-lease';

/** ZADD by the server's clock, so the lease lapses no earlier than the renewal's send time + lease. */
const RENEW_LEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
return now`;

/**
 * The lease's Redis side: the shared client for lease renewals and acks, and a subscriber connection of
 * its own (named `latchkey-verifier-sub-<instance>` in CLIENT LIST) for invalidations. The subscriber
 * re-subscribes itself after every reconnect and reports each drop, so the lease can stop trusting
 * memory at once.
 */
export class RedisLeaseTransport implements LeaseTransport {
  private readonly logger = new Logger(RedisLeaseTransport.name);
  private subscriber: Redis | undefined;
  private isSubscribed = false;

  constructor(
    private readonly redis: Redis,
    private readonly settings: { redisPrefix: string; instanceId: string; leaseMs: number },
  ) {}

  start(handlers: { onMessage(raw: string): void; onLost(): void }): void {
    const channel = invalidationChannel(this.settings.redisPrefix);
    const subscriber = this.redis.duplicate({
      connectionName: invalidationSubscriberName(this.settings.instanceId),
      autoResubscribe: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: Math.max(100, Math.floor(this.settings.leaseMs / 4)),
    });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => handlers.onMessage(message));
    subscriber.on('ready', () => {
      subscriber
        .subscribe(channel)
        .then(() => {
          this.isSubscribed = true;
        })
        .catch((error: unknown) => this.logger.warn(`could not subscribe: ${messageOf(error)}`));
    });
    subscriber.on('close', () => {
      if (this.isSubscribed) this.logger.warn('invalidation subscriber disconnected');
      this.isSubscribed = false;
      handlers.onLost();
    });
    subscriber.on('error', (error: unknown) =>
      this.logger.warn(`invalidation subscriber: ${messageOf(error)}`),
    );
  }

  subscribed(): boolean {
    return this.isSubscribed && this.subscriber?.status === 'ready';
  }

  async renew(holder: string, leaseMs: number): Promise<void> {
    await this.redis.eval(RENEW_LEASE, 1, verifierLeasesKey(this.settings.redisPrefix), holder, leaseMs);
  }

  async pingSubscriber(): Promise<void> {
    if (!this.subscriber) throw new Error('not started');
    await this.subscriber.ping();
  }

  async acknowledge(sealedAck: string): Promise<void> {
    await this.redis.publish(invalidationAckChannel(this.settings.redisPrefix), sealedAck);
  }

  async release(holder: string): Promise<void> {
    await this.redis.zrem(verifierLeasesKey(this.settings.redisPrefix), holder);
  }

  async stop(): Promise<void> {
    const subscriber = this.subscriber;
    this.isSubscribed = false;
    if (!subscriber || subscriber.status === 'end') return;
    subscriber.removeAllListeners('close');
    await subscriber.quit().catch(() => subscriber.disconnect());
  }
}

const READ_EPOCH = 'SELECT epoch::int AS epoch FROM cache_epoch WHERE id = 1';

/** The cache epoch as the issuer's migrations keep it (read-only). */
export class PostgresEpochSource implements EpochSource {
  constructor(private readonly pool: Pool) {}

  async current(): Promise<number> {
    const { rows } = await this.pool.query<{ epoch: number }>(READ_EPOCH);
    if (!rows[0]) throw new Error('cache_epoch has no row');
    return rows[0].epoch;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
