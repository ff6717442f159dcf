import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { IssuerRateLimits } from '../infrastructure/rate-limits';
import { AdminJwtVerifier } from './admin-jwt-verifier';
import type { AdminPrincipal } from './admin-principal';
import { PRINCIPAL_DIRECTORY, type PrincipalDirectory } from './principal-directory';

type AuthenticatedRequest = Request & { principal?: AdminPrincipal };

/**
 * Every admin endpoint sits behind this guard. It verifies the identity provider's JWT, then signs the
 * person in as a member (recorded on first sign-in): from then on Latchkey's member record decides
 * the role, and a removed member is refused (403 MEMBER_REMOVED) whatever the JWT says. Each tenant's
 * calls are rate-limited (429 RATE_LIMITED).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: AdminJwtVerifier,
    @Inject(PRINCIPAL_DIRECTORY) private readonly members: PrincipalDirectory,
    private readonly limits: IssuerRateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const claimed = await this.verifier.verify(request.headers.authorization);
    // Per tenant, before any database work: one tenant's flood cannot slow another's requests.
    await this.limits.adminCall(claimed.tenantId);
    request.principal = await this.members.signIn(claimed);
    return true;
  }
}

/** The principal the guard authenticated. */
export const CurrentAdmin = createParamDecorator((_: unknown, context: ExecutionContext): AdminPrincipal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentAdmin used on a route without AdminAuthGuard');
  return principal;
});
