import { DEFAULT_RETRY, type RetryPolicy } from './types';
import { VerifyError } from './errors';

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > 10) {
    throw new RangeError('retry.maxAttempts must be an integer from 1 to 10');
  }
  if (policy.initialBackoffMs < 0 || policy.maxBackoffMs < policy.initialBackoffMs || policy.multiplier < 1) {
    throw new RangeError(
      'retry backoff must satisfy 0 <= initialBackoffMs <= maxBackoffMs and multiplier >= 1',
    );
  }
  return policy;
}

/** The pause before retry number `retry` (1 = the first retry): capped exponential, with full jitter. */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs `attempt` until it succeeds, fails with anything but UNAVAILABLE, runs out of attempts, or the
 * deadline leaves no room for the next pause. Each attempt is given the overall deadline.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  deadline: number,
  attempt: (deadline: number) => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(deadline);
    } catch (error) {
      if (!(error instanceof VerifyError) || error.kind !== 'UNAVAILABLE') throw error;
      const pause = backoffMs(policy, n);
      if (n >= policy.maxAttempts || Date.now() + pause >= deadline) {
        throw new VerifyError('UNAVAILABLE', `${error.message} (after ${n} attempt${n > 1 ? 's' : ''})`, {
          ...error.details,
          attempts: n,
          cause: error.details.cause ?? error,
        });
      }
      await sleep(pause);
    }
  }
}
