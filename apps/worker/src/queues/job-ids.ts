import type { MailKind } from './worker-queues';

/**
 * Deterministic job ids: adding a job whose id already exists is a no-op in BullMQ, so an event that is
 * delivered twice, or a step that runs again after a crash, schedules nothing twice.
 *
 * Parts are joined with `.`: BullMQ refuses custom ids containing `:` (except a legacy three-part form),
 * and refuses ids that are plain integers, which a prefix word rules out. Times are epoch milliseconds.
 */
const SEPARATOR = '.';
const SAFE_PART = /^[A-Za-z0-9_-]+$/;

export const jobIds = {
  renewalDue: (tokenId: string, dueAt: string | number): string => join('due', tokenId, epochMs(dueAt)),
  renewalCallback: (offerId: string): string => join('callback', offerId),
  expiryReminder: (tokenId: string, days: number, expiresAt: string | number): string =>
    join('reminder', tokenId, days, epochMs(expiresAt)),
  reminderPlan: (tokenId: string, eventId: string): string => join('reminder-plan', tokenId, eventId),
  /** One page of a tenant's tokens to plan again after the policy change `eventId` (tenant ids are free text). */
  reminderReplan: (eventId: string, page: number): string => join('reminder-replan', eventId, page),
  mail: (kind: MailKind, ...ids: (string | number)[]): string => join('mail', kind, ...ids),
};

function join(...parts: (string | number)[]): string {
  return parts
    .map((part) => {
      const text = String(part);
      if (!SAFE_PART.test(text)) throw new Error(`unsafe job id part "${text}"`);
      return text;
    })
    .join(SEPARATOR);
}

function epochMs(time: string | number): number {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isSafeInteger(ms)) throw new Error(`not a time: "${String(time)}"`);
  return ms;
}
