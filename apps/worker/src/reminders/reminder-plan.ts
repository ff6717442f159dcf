import type { InternalTokenState } from '@latchkey/contracts';
import { jobIds } from '../queues/job-ids';
import { type JobRequest, WorkerQueue } from '../queues/worker-queues';

export interface ReminderSettings {
  /** Offsets in days before the expiry day, e.g. [30, 7, 0]. */
  days: readonly number[];
  /** Length of one day (86 400 000 ms, shorter in tests). */
  dayMs: number;
}

export interface PlannedReminder {
  days: number;
  runAt: number;
}

/**
 * When to remind the creator of a token expiring at `expiresAt` (epoch ms). Reminders go out at the
 * start of a day (UTC days by default): the `d`-day reminder at the start of the day `d` days before the
 * expiry day, so "expires today" arrives on that day, before the token expires. Reminders whose time has
 * passed are skipped, except the same-day one, which is sent at once while the token has not expired.
 */
export function planReminders(expiresAt: number, now: number, settings: ReminderSettings): PlannedReminder[] {
  if (expiresAt <= now) return [];
  // A token expiring exactly at midnight expires at the end of the day before.
  const expiryDayStart = startOfDay(expiresAt - 1, settings.dayMs);
  const planned: PlannedReminder[] = [];
  for (const days of settings.days) {
    const runAt = expiryDayStart - days * settings.dayMs;
    if (runAt > now) planned.push({ days, runAt });
    else if (days === 0) planned.push({ days, runAt: now });
  }
  return planned;
}

/** The reminder jobs for a token expiring at `expiresAt`. */
export function reminderJobs(
  tokenId: string,
  expiresAt: string,
  now: number,
  settings: ReminderSettings,
): JobRequest[] {
  return planReminders(Date.parse(expiresAt), now, settings).map(({ days, runAt }) => ({
    queue: WorkerQueue.ExpiryReminder,
    jobId: jobIds.expiryReminder(tokenId, days, expiresAt),
    data: { kind: 'send', tokenId, days, expiresAt },
    runAt,
    tokenId,
  }));
}

/** A reminder is still worth sending if the token is live, does not renew itself, and still ends then. */
export function reminderStillApplies(state: InternalTokenState, expiresAt: string): boolean {
  return (
    state.status === 'active' &&
    state.autoRenewal === null &&
    state.expiresAt !== null &&
    Date.parse(state.expiresAt) === Date.parse(expiresAt) &&
    Date.parse(expiresAt) > Date.now() &&
    typeof state.createdByEmail === 'string' &&
    state.createdByEmail !== ''
  );
}

function startOfDay(time: number, dayMs: number): number {
  return time - (((time % dayMs) + dayMs) % dayMs);
}
