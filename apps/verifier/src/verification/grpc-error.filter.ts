import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { type Observable, throwError } from 'rxjs';
import { VerificationError, VerificationErrorCode } from './verification.errors';

/** What grpc-js sends back as the call's status. */
export interface GrpcStatusError {
  code: status;
  message: string;
}

/**
 * Maps errors on the gRPC side to status codes: the token store being unreachable is UNAVAILABLE (the
 * caller may retry), too many refusals RESOURCE_EXHAUSTED; anything else is INTERNAL and logged, with nothing leaked to the caller.
 */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(GrpcErrorFilter.name);

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toStatus(exception));
  }

  toStatus(exception: unknown): GrpcStatusError {
    if (exception instanceof VerificationError && exception.code === VerificationErrorCode.Unavailable) {
      return { code: status.UNAVAILABLE, message: `${exception.code}: ${exception.detail}` };
    }
    if (exception instanceof VerificationError && exception.code === VerificationErrorCode.RateLimited) {
      return { code: status.RESOURCE_EXHAUSTED, message: `${exception.code}: ${exception.detail}` };
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    return { code: status.INTERNAL, message: 'INTERNAL: an unexpected error occurred. It has been logged.' };
  }
}
