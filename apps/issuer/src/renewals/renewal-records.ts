import type { EntityManager } from 'typeorm';
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
