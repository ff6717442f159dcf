import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { toCachedTokenState, tokenStateKey } from '@latchkey/contracts';
import { InjectRedis } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Token } from './token.entity';

/**
 * Writes a token's authoritative state into the verifiers' shared cache. Revocation calls this inside
 * its transaction, before commit: verifiers only add missing entries (SET NX), so once this returns no
 * verifier can answer from an older "active" entry, and a verifier that read the row just before the
 * commit cannot overwrite it.
 */
@Injectable()
export class TokenStateCache {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async publish(token: Token): Promise<void> {
    await this.redis.set(
      tokenStateKey(this.config.REDIS_KEY_PREFIX, token.tokenHash),
      JSON.stringify(toCachedTokenState(token)),
      'EX',
      this.config.TOKEN_CACHE_TTL_SECONDS,
    );
  }
}
