import { DomainError } from '@latchkey/service-runtime';

export enum VerificationErrorCode {
  /** Neither the cache nor Postgres could answer: the token was not checked. */
  Unavailable = 'VERIFIER_UNAVAILABLE',
}

export class VerificationError extends DomainError {
  declare readonly code: VerificationErrorCode;

  private constructor(code: VerificationErrorCode, status: number, detail: string) {
    super(code, status, detail);
    this.name = 'VerificationError';
  }

  static unavailable(): VerificationError {
    return new VerificationError(
      VerificationErrorCode.Unavailable,
      503,
      'The token store cannot be reached, so the token was not checked. Retry shortly.',
    );
  }
}
