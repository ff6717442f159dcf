import { EventType, type LatchkeyEvent } from '@latchkey/contracts';
import { jobIds } from '../queues/job-ids';
import { type JobRequest, WorkerQueue } from '../queues/worker-queues';
import { renewalDue } from '../renewals/renewal-jobs';
import { leakMails } from './leak-mails';

/** Remove a token's jobs that have not started yet from these queues. */
export interface JobCancellation {
  tokenId: string;
  queues: WorkerQueue[];
  /** Job ids to leave in place. */
  keep?: string[];
  /** Drop the token's job index afterwards: nothing will be scheduled for it again. */
  forget?: boolean;
}

/** What one lifecycle event asks of the queues: cancellations first, then additions. */
export interface LifecyclePlan {
  cancel: JobCancellation[];
  enqueue: JobRequest[];
}

const NOTHING: LifecyclePlan = { cancel: [], enqueue: [] };

/** A job that reads the token's state (and its tenant's reminder days) and plans its expiry reminders. */
function reminderPlan(tokenId: string, eventId: string, now: number): JobRequest {
  return {
    queue: WorkerQueue.ExpiryReminder,
    jobId: jobIds.reminderPlan(tokenId, eventId),
    data: { kind: 'plan', tokenId },
    runAt: now,
    tokenId,
  };
}
const TOKEN_WORK = [WorkerQueue.RenewalDue, WorkerQueue.RenewalCallback, WorkerQueue.ExpiryReminder];

/**
 * Turns a token lifecycle event into queue work. Every job id is deterministic, so applying the same
 * event twice adds nothing the second time; removing jobs is idempotent too.
 */
export function planLifecycleJobs(event: LatchkeyEvent, now: number): LifecyclePlan {
  switch (event.type) {
    case EventType.TokenCreated: {
      const { tokenId, autoRenewal, expiresAt, createdByEmail } = event.data;
      if (autoRenewal) return { cancel: [], enqueue: [renewalDue(tokenId, autoRenewal.nextRenewalAt)] };
      if (expiresAt === null || !createdByEmail) return NOTHING;
      // The tenant may have its own reminder days: the plan job reads them with the token's state.
      return { cancel: [], enqueue: [reminderPlan(tokenId, event.id, now)] };
    }
    case EventType.TokenUpdated: {
      const { tokenId, changes } = event.data;
      if (changes.autoRenewal === undefined) return NOTHING;
      if (changes.autoRenewal === null) {
        // Auto-renewal switched off: the token now gets expiry reminders, planned from its current state.
        return {
          cancel: [{ tokenId, queues: [WorkerQueue.RenewalDue, WorkerQueue.RenewalCallback] }],
          enqueue: [reminderPlan(tokenId, event.id, now)],
        };
      }
      const due = renewalDue(tokenId, changes.autoRenewal.nextRenewalAt);
      // A changed schedule makes the previous due time stale; the issuer would refuse it anyway.
      return { cancel: [{ tokenId, queues: [WorkerQueue.RenewalDue], keep: [due.jobId] }], enqueue: [due] };
    }
    case EventType.TokenRenewed: {
      const { oldTokenId, newTokenId, oldTokenEndsAt, reason, renewedBy, technicalOwner } = event.data;
      const cancel: JobCancellation[] = [{ tokenId: oldTokenId, queues: TOKEN_WORK, forget: true }];
      if (reason === 'rotation' && technicalOwner) {
        // Seed 004: the technical owner is told of a rotation (the new key reaches them another way).
        return {
          cancel,
          enqueue: [
            {
              queue: WorkerQueue.Mail,
              jobId: jobIds.mail('technical-owner-rotated', oldTokenId, newTokenId),
              data: {
                kind: 'technical-owner-rotated',
                oldTokenId,
                newTokenId,
                oldTokenEndsAt,
                rotatedBy: renewedBy,
              },
              runAt: now,
              tokenId: null,
            },
          ],
        };
      }
      if (reason !== 'auto-renewal') return { cancel, enqueue: [] };
      return {
        cancel,
        enqueue: [
          {
            queue: WorkerQueue.Mail,
            jobId: jobIds.mail('renewed', oldTokenId, newTokenId),
            data: { kind: 'renewed', oldTokenId, newTokenId, oldTokenEndsAt, renewedBy },
            runAt: now,
            tokenId: null,
          },
        ],
      };
    }
    case EventType.TokenRevoked: {
      const { tokenId, revokedBy, revokedAt, ownerId, technicalOwner, reason } = event.data;
      const cancel: JobCancellation[] = [{ tokenId, queues: TOKEN_WORK, forget: true }];
      // A leaked token: its owner and technical owner get the leak mail instead of the usual ones.
      const leaked = leakMails(event.data, now);
      if (leaked !== null) return { cancel, enqueue: leaked };
      const enqueue: JobRequest[] = [];
      // Leaks were handled above: what is left is a manual or an idle revocation.
      const why = reason === 'manual' || reason === 'idle' ? reason : undefined;
      // Someone else revoked the owner's token: the owner is told (older events name no owner).
      if (ownerId !== undefined && ownerId !== revokedBy) {
        enqueue.push({
          queue: WorkerQueue.Mail,
          jobId: jobIds.mail('revoked-by-other', tokenId),
          data: { kind: 'revoked-by-other', tokenId, revokedBy, revokedAt, reason: why },
          runAt: now,
          tokenId: null,
        });
      }
      // Seed 004: the technical owner, if the token names one, is told of every revocation.
      if (technicalOwner) {
        enqueue.push({
          queue: WorkerQueue.Mail,
          jobId: jobIds.mail('technical-owner-revoked', tokenId),
          data: { kind: 'technical-owner-revoked', tokenId, revokedBy, revokedAt, reason: why },
          runAt: now,
          tokenId: null,
        });
      }
      return { cancel, enqueue };
    }
    case EventType.TokenRevealed: {
      // Seed 003's recoverable tokens: every reveal is mailed to the owner, so one they did not make
      // (a stolen session) is noticed. One mail per reveal: the event id keeps a redelivery from repeating it.
      const { tokenId, revealedBy, revealedAt } = event.data;
      return {
        cancel: [],
        enqueue: [
          {
            queue: WorkerQueue.Mail,
            jobId: jobIds.mail('token-revealed', tokenId, event.id),
            data: { kind: 'token-revealed', tokenId, revealedBy, revealedAt },
            runAt: now,
            tokenId: null,
          },
        ],
      };
    }
    case EventType.TokenIdleWarning: {
      // The idle policy will revoke the token: its owner and its technical owner (if any) are warned,
      // once each per warning (the warning's time is in the job ids).
      const { tokenId, idleSince, revokeAt, technicalOwner } = event.data;
      const warnedAt = Date.parse(event.time);
      const recipients: ('owner' | 'technical-owner')[] = technicalOwner
        ? ['owner', 'technical-owner']
        : ['owner'];
      return {
        cancel: [],
        enqueue: recipients.map((recipient) => ({
          queue: WorkerQueue.Mail,
          jobId: jobIds.mail('idle-warning', tokenId, warnedAt, recipient),
          data: { kind: 'idle-warning', tokenId, recipient, idleSince, revokeAt },
          runAt: now,
          tokenId,
        })),
      };
    }
    case EventType.TenantPolicyChanged: {
      // New reminder days: every token of the tenant that gets reminders is planned again (days added
      // are scheduled; days removed are skipped when their time comes).
      if (event.data.changes.expiryReminderDays === undefined) return NOTHING;
      return {
        cancel: [],
        enqueue: [
          {
            queue: WorkerQueue.ExpiryReminder,
            jobId: jobIds.reminderReplan(event.id, 1),
            data: {
              kind: 'replan-tenant',
              tenantId: event.tenantId,
              eventId: event.id,
              after: null,
              page: 1,
            },
            runAt: now,
            tokenId: null,
          },
        ],
      };
    }
    // Announced for other systems; the reminder mail beside it is already queued.
    case EventType.TokenExpiring:
    case EventType.TokenUsed:
    case EventType.TokenVerificationsCounted:
    case EventType.MemberRoleChanged:
    case EventType.MemberRemoved:
      return NOTHING;
  }
}
