import { DomainError } from '@latchkey/service-runtime';

export enum VerificationErrorCode {
  /** Neither the cache nor Postgres could answer: the token was not checked. */
  Unavailable = 'VERIFIER_UNAVAILABLE',
  /** The caller's refusals are over its limit: only tokens known valid are answered until the window ends. */
  RateLimited = 'RATE_LIMITED',
}

export class VerificationError extends DomainError {
  declare readonly code: VerificationErrorCode;

  private constructor(
    code: VerificationErrorCode,
    status: number,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(code, status, detail, extensions);
    this.name = 'VerificationError';
  }

  static unavailable(): VerificationError {
    return new VerificationError(
      VerificationErrorCode.Unavailable,
      503,
      'The token store cannot be reached, so the token was not checked. Retry shortly.',
    );
  }

  static rateLimited(retryAfterSeconds: number): VerificationError {
    return new VerificationError(
      VerificationErrorCode.RateLimited,
      429,
      `Too many refused verifications from this caller; valid tokens are still answered. Retry after ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    );
  }
}
