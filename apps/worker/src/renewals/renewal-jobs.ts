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

/** Tell a callback-less token's mail recipient that an offer waits in the console, now (once per offer). */
export function renewalReadyMail(
  offer: { id: string; tokenId: string; windowEndsAt: string; nextRenewalAt: string },
  now: number,
): JobRequest {
  return {
    queue: WorkerQueue.Mail,
    jobId: jobIds.mail('renewal-ready', offer.id),
    data: {
      kind: 'renewal-ready',
      tokenId: offer.tokenId,
      offerId: offer.id,
      windowEndsAt: offer.windowEndsAt,
      nextRenewalAt: offer.nextRenewalAt,
    },
    runAt: now,
    tokenId: offer.tokenId,
  };
}
