import type { VerifyReason, VerifyRequest, VerifyResponse } from '@latchkey/contracts';

/**
 * What the caller's operation needs beyond a valid token: every field of the verifier's request but the
 * token, derived from `verifyRequest` in libs/contracts so a field added there appears here too.
 */
export type VerifyNeeds = Omit<VerifyRequest, 'token'>;

/** The verifier's verdict, the same from gRPC and HTTP (proto3's empty strings read as null). */
export type Verdict = VerifyResponse;

export type { VerifyReason };

/** One way of reaching the verifier: the guards take any of them. */
export interface TokenVerifier {
  verify(token: string, needs?: VerifyNeeds): Promise<Verdict>;
}

/** Retries of a call that found the verifier UNAVAILABLE (and only then), with exponential backoff. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 3; 1 disables retries). */
  maxAttempts: number;
  /** Pause before the first retry (default 50 ms), multiplied by `multiplier` each time, jittered. */
  initialBackoffMs: number;
  /** Longest pause between attempts (default 1000 ms). */
  maxBackoffMs: number;
  multiplier: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 50,
  maxBackoffMs: 1_000,
  multiplier: 2,
};

/** Options shared by the gRPC and HTTP verify clients. */
export interface VerifyClientOptions {
  /** How long one `verify` may take in all, retries included (default 2000 ms). */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Refuse a malformed token here, with no network call, as the verifier would (MALFORMED); default true.
   * Turn off only to exercise the verifier's own handling.
   */
  checkFormat?: boolean;
}
