import { jobIds } from '../queues/job-ids';
import { type JobRequest, WorkerQueue } from '../queues/worker-queues';

/** Open a renewal offer for `tokenId` at `dueAt` (its `nextRenewalAt`). */
export function renewalDue(tokenId: string, dueAt: string): JobRequest {
  return {
    queue: WorkerQueue.RenewalDue,
    jobId: jobIds.renewalDue(tokenId, dueAt),
    data: { tokenId, dueAt },
    runAt: Date.parse(dueAt),
    tokenId,
  };
}

/** Deliver an offer's callback, now. */
export function renewalCallback(
  offer: { id: string; tokenId: string; windowEndsAt: string; nextRenewalAt: string },
  now: number,
): JobRequest {
  return {
    queue: WorkerQueue.RenewalCallback,
    jobId: jobIds.renewalCallback(offer.id),
    data: {
      offerId: offer.id,
      tokenId: offer.tokenId,
      windowEndsAt: offer.windowEndsAt,
      nextRenewalAt: offer.nextRenewalAt,
    },
    runAt: now,
    tokenId: offer.tokenId,
  };
}
