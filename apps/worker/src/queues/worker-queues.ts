/*
 * ┌──────────────────────────────────────────────────────────────────────────────────────────────┐
 * │ FROZEN. Queue names, job id shapes and job payloads are stored in Redis with jobs that may    │
 * │ wait for weeks. Changing one needs a migration plan: add the new shape, accept both, drain.   │
 * │ Payloads evolve additively (new optional fields only).                                       │
 * └──────────────────────────────────────────────────────────────────────────────────────────────┘
 *
 * Only the worker produces and consumes these queues, so they live here rather than in libs/contracts.
 * Jobs carry ids and times only: never a token, a redeem key, a signing secret or a callback body.
 */
export enum WorkerQueue {
  /** Ask the issuer to open a renewal offer when a token's renewal is due. */
  RenewalDue = 'renewal-due',
  /** Deliver one offer's signed callback, retrying inside its redeem window. */
  RenewalCallback = 'renewal-callback',
  /** Plan and gate expiry reminders for tokens without auto-renewal. */
  ExpiryReminder = 'expiry-reminder',
  /** Render and send one notification mail. */
  Mail = 'mail',
  /** Repeated (IDLE_SWEEP_INTERVAL_MS): ask the issuer to run the tenants' idle policies. */
  IdleSweep = 'idle-sweep',
}

export const ALL_WORKER_QUEUES: readonly WorkerQueue[] = Object.values(WorkerQueue);

export interface RenewalDueJob {
  tokenId: string;
  /** The `nextRenewalAt` this job was scheduled for; the issuer refuses a stale one. */
  dueAt: string;
}

export interface RenewalCallbackJob {
  offerId: string;
  tokenId: string;
  windowEndsAt: string;
  /** When the issuer will try again if this offer is not redeemed (for the failure mail). */
  nextRenewalAt?: string;
}

export type ExpiryReminderJob =
  /** Read the token's state and schedule its reminders (after auto-renewal was switched off). */
  | { kind: 'plan'; tokenId: string }
  /** Remind the creator that the token expires in `days` days, if it still does at `expiresAt`. */
  | { kind: 'send'; tokenId: string; days: number; expiresAt: string }
  /**
   * The tenant changed its reminder days (event `eventId`): plan each of its tokens again, one page of
   * token ids (after `after`) per job.
   */
  | { kind: 'replan-tenant'; tenantId: string; eventId: string; after: string | null; page: number };

export type MailJob =
  | {
      kind: 'renewed';
      oldTokenId: string;
      newTokenId: string;
      oldTokenEndsAt: string;
      /** Who renewed it (TokenRenewed.renewedBy); absent in jobs queued before it was carried. */
      renewedBy?: string;
    }
  | {
      kind: 'callback-failed';
      tokenId: string;
      offerId: string;
      windowEndsAt: string;
      nextRenewalAt: string | null;
      /** Our own short description of the last failure (`HTTP 503`, `ECONNREFUSED`, a refusal code). */
      lastError: string | null;
    }
  | { kind: 'expiry-reminder'; tokenId: string; days: number; expiresAt: string }
  /** A token without a callback URL has a renewal to redeem in the console (seed 003). */
  | {
      kind: 'renewal-ready';
      tokenId: string;
      offerId: string;
      windowEndsAt: string;
      nextRenewalAt: string | null;
    }
  /** Tell a token's owner that someone else (an admin, the idle policy) revoked it. */
  | {
      kind: 'revoked-by-other';
      tokenId: string;
      revokedBy: string;
      revokedAt: string;
      /** Absent in older jobs: `manual`. */
      reason?: 'manual' | 'idle';
    }
  /** Warn a token's owner or technical owner that the idle policy will revoke it at `revokeAt`. */
  | {
      kind: 'idle-warning';
      tokenId: string;
      recipient: 'owner' | 'technical-owner';
      idleSince: string;
      revokeAt: string;
    }
  /** Tell a token's technical owner (seed 004) that it was rotated: the new key is on its way to them. */
  | {
      kind: 'technical-owner-rotated';
      oldTokenId: string;
      newTokenId: string;
      oldTokenEndsAt: string;
      rotatedBy: string;
    }
  /** Tell a recoverable token's owner that its plaintext was revealed (seed 003), in case it was not them. */
  | { kind: 'token-revealed'; tokenId: string; revealedBy: string; revealedAt: string }
  /** Tell a token's technical owner (seed 004) that it was revoked. */
  | {
      kind: 'technical-owner-revoked';
      tokenId: string;
      revokedBy: string;
      revokedAt: string;
      reason?: 'manual' | 'idle';
    }
  /**
   * Tell a token's owner or technical owner that it was revoked because it leaked: a secret scanner
   * reported it (`leaked`, with where it was found) or its holder revoked it (`holder`).
   */
  | {
      kind: 'leak-revoked';
      tokenId: string;
      recipient: 'owner' | 'technical-owner';
      reason: 'leaked' | 'holder';
      revokedAt: string;
      url: string | null;
      source: string | null;
    };

/** The idle sweep job carries nothing: the issuer finds what is due. */
export type IdleSweepJob = Record<string, never>;

export type MailKind = MailJob['kind'];

export interface JobDataByQueue {
  [WorkerQueue.RenewalDue]: RenewalDueJob;
  [WorkerQueue.RenewalCallback]: RenewalCallbackJob;
  [WorkerQueue.ExpiryReminder]: ExpiryReminderJob;
  [WorkerQueue.Mail]: MailJob;
  [WorkerQueue.IdleSweep]: IdleSweepJob;
}

/** One job to add: to which queue, under which deterministic id, to run when. */
export type JobRequest = {
  [Q in WorkerQueue]: {
    queue: Q;
    jobId: string;
    data: JobDataByQueue[Q];
    /** Epoch milliseconds; a time in the past runs at once. */
    runAt: number;
    /** The token the job is about, so revoking it can remove the job while it waits. */
    tokenId: string | null;
  };
}[WorkerQueue];
