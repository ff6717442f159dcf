import type { ExecutionContext } from '@nestjs/common';
import type { IssuerRateLimits } from '../infrastructure/rate-limits';
import { AdminAuthGuard } from './admin-auth.guard';
import type { AdminJwtVerifier } from './admin-jwt-verifier';
import type { AdminPrincipal } from './admin-principal';
import { AuthError, AuthErrorCode } from './auth.errors';
import type { PrincipalDirectory } from './principal-directory';

const fromJwt: AdminPrincipal = {
  userId: 'ada',
  tenantId: 'acme',
  role: 'admin',
  email: 'ada@acme.test',
  emailVerified: true,
};

function guardWith(
  directory: PrincipalDirectory,
  verify: AdminJwtVerifier['verify'] = () => Promise.resolve(fromJwt),
) {
  const limits = { adminCall: () => Promise.resolve() } as unknown as IssuerRateLimits;
  return new AdminAuthGuard({ verify } as AdminJwtVerifier, directory, limits);
}

function httpContext(request: Record<string, unknown>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('AdminAuthGuard', () => {
  it('hands the verified claims to the directory and signs in as it answers', async () => {
    const signIn = jest.fn((claimed: AdminPrincipal) =>
      Promise.resolve({ ...claimed, role: 'member' as const }),
    );
    const request: Record<string, unknown> = { headers: { authorization: 'Bearer x' } };
    await expect(guardWith({ signIn }).canActivate(httpContext(request))).resolves.toBe(true);
    expect(signIn).toHaveBeenCalledWith(fromJwt);
    expect(request.principal).toEqual({ ...fromJwt, role: 'member' });
  });

  it('sets no principal when the directory refuses the person', async () => {
    const refusal = new Error('removed');
    const request: Record<string, unknown> = { headers: {} };
    const directory = { signIn: () => Promise.reject(refusal) };
    await expect(guardWith(directory).canActivate(httpContext(request))).rejects.toBe(refusal);
    expect(request.principal).toBeUndefined();
  });

  it('asks the directory nothing when the JWT is refused', async () => {
    const signIn = jest.fn();
    const refuse = () => Promise.reject(new AuthError(AuthErrorCode.InvalidAdminToken, 'no'));
    await expect(
      guardWith({ signIn }, refuse).canActivate(httpContext({ headers: {} })),
    ).rejects.toMatchObject({ code: AuthErrorCode.InvalidAdminToken });
    expect(signIn).not.toHaveBeenCalled();
  });
});
