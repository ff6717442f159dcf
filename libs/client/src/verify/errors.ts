/**
 * Why a verification got no verdict (a refused token is a verdict, not an error):
 * - `UNAVAILABLE`: the verifier could not be reached or could not answer (retried, then given up);
 * - `DEADLINE_EXCEEDED`: no answer within the deadline;
 * - `RATE_LIMITED`: the verifier limits this caller's refused verifications;
 * - `REJECTED`: the verifier refused the request itself (invalid arguments), or answered unexpectedly.
 */
export type VerifyErrorKind = 'UNAVAILABLE' | 'DEADLINE_EXCEEDED' | 'RATE_LIMITED' | 'REJECTED';

export class VerifyError extends Error {
  override readonly name = 'VerifyError';

  constructor(
    readonly kind: VerifyErrorKind,
    message: string,
    readonly details: {
      /** The gRPC status code, over gRPC. */
      grpcCode?: number;
      /** The HTTP status, over HTTP. */
      httpStatus?: number;
      /** The problem's `code`, over HTTP. */
      code?: string;
      /** How many attempts were made. */
      attempts?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
  }
}
