import { status } from '@grpc/grpc-js';
import { VerificationError, VerificationErrorCode } from '../verification/verification.errors';

/** What grpc-js sends back as the call's status. */
export interface GrpcStatusError {
  code: status;
  message: string;
}

/**
 * Maps a failed verification to a gRPC status: the token store being unreachable is UNAVAILABLE (the
 * caller may retry), too many refusals RESOURCE_EXHAUSTED; anything else is INTERNAL and logged, with
 * nothing leaked to the caller.
 */
export function toGrpcStatus(error: unknown, logger: { error(message: unknown): void }): GrpcStatusError {
  if (error instanceof VerificationError && error.code === VerificationErrorCode.Unavailable) {
    return { code: status.UNAVAILABLE, message: `${error.code}: ${error.detail}` };
  }
  if (error instanceof VerificationError && error.code === VerificationErrorCode.RateLimited) {
    return { code: status.RESOURCE_EXHAUSTED, message: `${error.code}: ${error.detail}` };
  }
  logger.error(error instanceof Error ? error : String(error));
  return { code: status.INTERNAL, message: 'INTERNAL: an unexpected error occurred. It has been logged.' };
}
