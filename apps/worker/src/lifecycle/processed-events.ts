import type Redis from 'ioredis';

/**
 * Remembers which events a consumer has applied, so a redelivered event is skipped. `claim` is atomic
 * (SET NX); `release` undoes a claim when applying the event failed, so the redelivery is applied.
 */
export class ProcessedEvents {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async claim(consumer: string, eventId: string): Promise<boolean> {
    return (await this.redis.set(this.key(consumer, eventId), '1', 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }

  async release(consumer: string, eventId: string): Promise<void> {
    await this.redis.del(this.key(consumer, eventId));
  }

  private key(consumer: string, eventId: string): string {
    return `${this.keyPrefix}processed:${consumer}:${eventId}`;
  }
}
