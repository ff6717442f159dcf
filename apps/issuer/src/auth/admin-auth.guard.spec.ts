import type { ExecutionContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MemberDirectory } from '../members/member-directory';
import { MemberErrorCode } from '../members/members.errors';
import { AdminAuthGuard } from './admin-auth.guard';
import type { AdminJwtVerifier } from './admin-jwt-verifier';
import type { AdminPrincipal } from './admin-principal';
import { AuthError, AuthErrorCode } from './auth.errors';

const fromJwt: AdminPrincipal = {
  userId: 'ada',
  tenantId: 'acme',
  role: 'admin',
  email: 'ada@acme.test',
  emailVerified: true,
};

/** A data source whose only query is the sign-in upsert, answering with the given rows in turn. */
function dataSourceAnswering(...answers: Array<Array<{ role: string; status: string }>>) {
  const query = jest.fn((_sql: string, _params: unknown[]) => Promise.resolve(answers.shift() ?? []));
  return { dataSource: { query } as unknown as DataSource, query };
}

function guardWith(
  dataSource: DataSource,
  verify: AdminJwtVerifier['verify'] = () => Promise.resolve(fromJwt),
) {
  return new AdminAuthGuard({ verify } as AdminJwtVerifier, new MemberDirectory(dataSource));
}

function httpContext(request: Record<string, unknown>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('AdminAuthGuard', () => {
  it('records the member with the JWT’s claims and signs them in', async () => {
    const { dataSource, query } = dataSourceAnswering([{ role: 'admin', status: 'active' }]);
    const request: Record<string, unknown> = { headers: { authorization: 'Bearer x' } };
    await expect(guardWith(dataSource).canActivate(httpContext(request))).resolves.toBe(true);
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0][1]).toEqual(['acme', 'ada', 'ada@acme.test', 'admin']);
    expect(request.principal).toEqual(fromJwt);
  });

  it('uses the stored role, not the JWT’s', async () => {
    const { dataSource } = dataSourceAnswering([{ role: 'member', status: 'active' }]);
    const request: Record<string, unknown> = { headers: {} };
    await guardWith(dataSource).canActivate(httpContext(request));
    expect(request.principal).toEqual({ ...fromJwt, role: 'member' });
  });

  it('refuses a removed member (403 MEMBER_REMOVED)', async () => {
    const { dataSource } = dataSourceAnswering([{ role: 'admin', status: 'removed' }]);
    const request: Record<string, unknown> = { headers: {} };
    await expect(guardWith(dataSource).canActivate(httpContext(request))).rejects.toMatchObject({
      code: MemberErrorCode.Removed,
      status: 403,
    });
    expect(request.principal).toBeUndefined();
  });

  it('reads again when a concurrent first sign-in hid the row', async () => {
    const { dataSource, query } = dataSourceAnswering([], [{ role: 'owner', status: 'active' }]);
    const request: Record<string, unknown> = { headers: {} };
    await guardWith(dataSource).canActivate(httpContext(request));
    expect(query).toHaveBeenCalledTimes(2);
    expect(request.principal).toMatchObject({ role: 'owner' });
  });

  it('touches no member record when the JWT is refused', async () => {
    const { dataSource, query } = dataSourceAnswering();
    const refuse = () => Promise.reject(new AuthError(AuthErrorCode.InvalidAdminToken, 'no'));
    await expect(
      guardWith(dataSource, refuse).canActivate(httpContext({ headers: {} })),
    ).rejects.toMatchObject({
      code: AuthErrorCode.InvalidAdminToken,
    });
    expect(query).not.toHaveBeenCalled();
  });
});
