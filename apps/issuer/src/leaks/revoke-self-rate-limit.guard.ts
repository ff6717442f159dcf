import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type Redis from 'ioredis';
import { RateLimitedError, RedisRateLimiter, REDIS } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';

/**
 * REVOKE_SELF_RATE_LIMIT per source address (`req.ip`: the TCP peer unless TRUST_PROXY says otherwise),
 * counted in the shared Redis like the issuer's other limits, before the token is even parsed: nobody
 * can use the endpoint to test token guesses in bulk.
 */
@Injectable()
export class RevokeSelfRateLimitGuard implements CanActivate {
  private readonly limiter: RedisRateLimiter;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(ISSUER_CONFIG)
    private readonly config: Pick<IssuerConfig, 'REDIS_KEY_PREFIX' | 'REVOKE_SELF_RATE_LIMIT'>,
  ) {
    this.limiter = new RedisRateLimiter(redis, config.REDIS_KEY_PREFIX);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const source = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const decision = await this.limiter.hit('revoke-self', source, this.config.REVOKE_SELF_RATE_LIMIT);
    if (!decision.allowed) {
      throw new RateLimitedError(
        decision.retryAfterSeconds,
        'Too many revoke-self requests from this address. Wait before trying again (see Retry-After).',
      );
    }
    return true;
  }
}
