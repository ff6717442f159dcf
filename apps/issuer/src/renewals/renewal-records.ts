import type { EntityManager } from 'typeorm';
import { Member } from '../members/member.entity';
import type { MemberRemoval } from '../members/member-removal-effects';
import { RenewalOffer } from './renewal-offer.entity';

/** Closes an offer that is still pending and can no longer be redeemed; a closed one stays as it is. */
export async function closeOffer(
  manager: EntityManager,
  offerId: string,
  status: 'expired' | 'cancelled',
  now: Date,
): Promise<void> {
  await manager.update(RenewalOffer, { id: offerId, status: 'pending' }, { status, closedAt: now });
}

/**
 * Whether the token's owner is still an active member of its tenant. A removed owner's tokens are
 * refused by every verifier (OWNER_INACTIVE), so renewing them would only mint more refused tokens.
 * Read through the caller's transaction.
 */
export async function ownerIsActive(
  manager: EntityManager,
  token: { tenantId: string; createdBy: string },
): Promise<boolean> {
  const owner = await manager.findOneBy(Member, { tenantId: token.tenantId, userId: token.createdBy });
  return owner?.status === 'active';
}

/**
 * A removed member's tokens renew no more: their pending offers are cancelled (a key already delivered
 * stops working when the removal commits) and nothing is scheduled for them any longer.
 */
export async function stopRenewalsOfRemovedOwner(
  manager: EntityManager,
  { tenantId, userId, now }: MemberRemoval,
): Promise<void> {
  await manager.query(
    `UPDATE renewal_offers SET status = 'cancelled', closed_at = $3
      WHERE status = 'pending'
        AND token_id IN (SELECT id FROM tokens WHERE tenant_id = $1 AND created_by = $2)`,
    [tenantId, userId, now],
  );
  await manager.query(
    `UPDATE tokens SET renewal_next_at = NULL
      WHERE tenant_id = $1 AND created_by = $2 AND renewal_next_at IS NOT NULL`,
    [tenantId, userId],
  );
}
