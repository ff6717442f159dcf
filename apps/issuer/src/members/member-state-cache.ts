import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { memberStateKey, toCachedMemberState } from '@latchkey/contracts';
import { InjectRedis } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Member } from './member.entity';

/**
 * Writes a member's authoritative state into the verifiers' shared cache, as revocation does for tokens:
 * role changes and removals call this inside their transaction, before commit, overwriting any entry,
 * so the next verification of any of the member's tokens sees the change (verifiers only SET NX).
 */
@Injectable()
export class MemberStateCache {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async publish(member: Pick<Member, 'tenantId' | 'userId' | 'role' | 'status'>): Promise<void> {
    await this.redis.set(
      memberStateKey(this.config.REDIS_KEY_PREFIX, member.tenantId, member.userId),
      JSON.stringify(toCachedMemberState(member)),
      'EX',
      this.config.TOKEN_CACHE_TTL_SECONDS,
    );
  }
}
