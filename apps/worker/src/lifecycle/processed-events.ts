import type Redis from 'ioredis';

/**
 * Remembers which events a consumer has applied, so a redelivered event is skipped. An event is
 * remembered only after it was applied: a crash in between means it is applied again on redelivery,
 * which is safe because applying one is idempotent (deterministic job ids, idempotent removals). Two
 * deliveries applied at the same time are safe for the same reason.
 */
export class ProcessedEvents {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async has(consumer: string, eventId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(consumer, eventId))) === 1;
  }

  async remember(consumer: string, eventId: string): Promise<void> {
    await this.redis.set(this.key(consumer, eventId), '1', 'EX', this.ttlSeconds);
  }

  private key(consumer: string, eventId: string): string {
    return `${this.keyPrefix}processed:${consumer}:${eventId}`;
  }
}
