import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type Redis from 'ioredis';
import { RateLimitedError, RedisRateLimiter, REDIS } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';

/**
 * The issuer's limits, counted in Redis so every instance shares them: per source address on the
 * public endpoints (redeem), per tenant on the admin API. Over the limit: 429 RATE_LIMITED with
 * `Retry-After`.
 */
@Injectable()
export class IssuerRateLimits {
  private readonly limiter: RedisRateLimiter;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(ISSUER_CONFIG)
    private readonly config: Pick<
      IssuerConfig,
      'REDIS_KEY_PREFIX' | 'REDEEM_RATE_LIMIT' | 'ADMIN_API_RATE_LIMIT'
    >,
  ) {
    this.limiter = new RedisRateLimiter(redis, config.REDIS_KEY_PREFIX);
  }

  /** A public, unauthenticated endpoint called from `source` (the caller's address). */
  async publicCall(source: string): Promise<void> {
    const decision = await this.limiter.hit('public', source, this.config.REDEEM_RATE_LIMIT);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
  }

  /** An admin API call on behalf of `tenantId` (after its JWT was verified, before any database work). */
  async adminCall(tenantId: string): Promise<void> {
    const decision = await this.limiter.hit('admin', tenantId, this.config.ADMIN_API_RATE_LIMIT);
    if (!decision.allowed) {
      throw new RateLimitedError(
        decision.retryAfterSeconds,
        'Too many admin API requests for this tenant. Wait before trying again (see Retry-After).',
      );
    }
  }
}

/** Limits a public endpoint per source address (`req.ip`: the TCP peer unless TRUST_PROXY says otherwise). */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  constructor(private readonly limits: IssuerRateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.limits.publicCall(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    return true;
  }
}
