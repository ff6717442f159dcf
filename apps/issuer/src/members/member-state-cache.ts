import { Injectable } from '@nestjs/common';
import { toCachedMemberState } from '@latchkey/contracts';
import { type CacheWriteTx, VerifierCacheWriter } from '../infrastructure/verifier-cache';
import type { Member } from './member.entity';

/**
 * Writes a member's authoritative state into the verifiers' caches, as revocation does for tokens: role
 * changes and removals call this inside their transaction, before commit, so the next verification of
 * any of the member's tokens sees the change.
 */
@Injectable()
export class MemberStateCache {
  constructor(private readonly writer: VerifierCacheWriter) {}

  async publish(
    tx: CacheWriteTx,
    member: Pick<Member, 'tenantId' | 'userId' | 'role' | 'status'>,
  ): Promise<void> {
    await this.writer.propagate(tx, {
      members: [{ tenantId: member.tenantId, userId: member.userId, state: toCachedMemberState(member) }],
    });
  }
}
