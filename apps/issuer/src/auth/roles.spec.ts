import { FORBIDDEN_ROLE, requireRole } from './roles';

describe('requireRole', () => {
  it('lets the allowed roles through', () => {
    expect(() => requireRole({ role: 'admin' }, ['owner', 'admin'], 'manage members')).not.toThrow();
  });

  it('refuses other roles with 403 FORBIDDEN_ROLE naming who may', () => {
    expect(() => requireRole({ role: 'admin' }, ['owner'], 'change the tenant policy')).toThrow(
      expect.objectContaining({
        code: FORBIDDEN_ROLE,
        status: 403,
        detail: 'Only owners may change the tenant policy.',
      }),
    );
  });
});
