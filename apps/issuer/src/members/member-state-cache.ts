import { Inject, Injectable } from '@nestjs/common';
import { memberStateKey, toCachedMemberState } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { VerifierCacheWriter } from '../infrastructure/verifier-cache';
import type { Member } from './member.entity';

/**
 * Writes a member's authoritative state into the verifiers' shared cache, as revocation does for tokens:
 * role changes and removals call this inside their transaction, before commit, overwriting any entry,
 * so the next verification of any of the member's tokens sees the change (verifiers only SET NX).
 */
@Injectable()
export class MemberStateCache {
  constructor(
    private readonly writer: VerifierCacheWriter,
    @Inject(ISSUER_CONFIG) private readonly config: Pick<IssuerConfig, 'REDIS_KEY_PREFIX'>,
  ) {}

  async publish(member: Pick<Member, 'tenantId' | 'userId' | 'role' | 'status'>): Promise<void> {
    await this.writer.write(
      memberStateKey(this.config.REDIS_KEY_PREFIX, member.tenantId, member.userId),
      toCachedMemberState(member),
    );
  }
}
