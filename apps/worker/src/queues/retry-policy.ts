/**
 * Retry delays: exponential from a base, capped, with full jitter (a uniform draw between 0 and the
 * capped exponential), so receivers and the issuer coming back from an outage are not hit in lockstep.
 */
export interface RetrySettings {
  baseMs: number;
  maxMs: number;
}

export type Random = () => number;

/** The delay before retry number `failures` (1 after the first failure). */
export function fullJitterDelay(
  failures: number,
  settings: RetrySettings,
  random: Random = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 52);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * The delay before the next callback attempt, or `null` when that attempt would not start before the
 * redeem window ends: the delivery has then failed for this window, and no attempt is scheduled after it.
 */
export function nextAttemptWithinWindow(
  failures: number,
  now: number,
  windowEndsAt: number,
  settings: RetrySettings,
  random: Random = Math.random,
): number | null {
  const delay = fullJitterDelay(failures, settings, random);
  return now + delay < windowEndsAt ? delay : null;
}

/** Thrown by a processor that has already decided when it wants to run again. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
