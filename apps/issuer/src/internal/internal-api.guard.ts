import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { DomainError } from '@latchkey/service-runtime';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';

export const INTERNAL_AUTH_FAILED = 'INTERNAL_API_UNAUTHENTICATED';

/**
 * Guards the service-to-service API (`/internal/v1`, used by the worker): a bearer equal to
 * INTERNAL_API_SECRET, compared in constant time. Admin JWTs and API tokens are not accepted here.
 */
@Injectable()
export class InternalApiGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(ISSUER_CONFIG) config: IssuerConfig) {
    this.expected = digest(config.INTERNAL_API_SECRET);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    // Digests have equal length, so the comparison takes the same time whatever was sent.
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new DomainError(INTERNAL_AUTH_FAILED, 401, 'The internal API needs the service credential.');
    }
    return true;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
