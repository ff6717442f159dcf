import type { TokenRevokedEvent } from '@latchkey/contracts';
import { jobIds } from '../queues/job-ids';
import { type JobRequest, WorkerQueue } from '../queues/worker-queues';

/**
 * The mails of a revocation because a token leaked (reason `leaked` from a secret-scanning report, or
 * `holder` when whoever held it revoked it): its owner always (nobody in the organisation acted, so
 * the owner learns it here), and its technical owner when it names one. Null for any other revocation.
 * One job per recipient and token: a redelivered event adds nothing.
 */
export function leakMails(data: TokenRevokedEvent['data'], now: number): JobRequest[] | null {
  const { reason } = data;
  if (reason !== 'leaked' && reason !== 'holder') return null;
  const recipients: ('owner' | 'technical-owner')[] = data.technicalOwner
    ? ['owner', 'technical-owner']
    : ['owner'];
  return recipients.map((recipient) => ({
    queue: WorkerQueue.Mail,
    jobId: jobIds.mail('leak-revoked', data.tokenId, recipient),
    data: {
      kind: 'leak-revoked',
      tokenId: data.tokenId,
      recipient,
      reason,
      revokedAt: data.revokedAt,
      url: data.leak?.url ?? null,
      source: data.leak?.source ?? null,
    },
    runAt: now,
    tokenId: null,
  }));
}
