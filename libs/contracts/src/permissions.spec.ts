import { DEFAULT_SCOPE_CATALOG, effectivePermissions, rolePermissions } from './permissions';

const catalog = [...DEFAULT_SCOPE_CATALOG];

describe('permissions', () => {
  it('gives owners and admins every scope and members the read scopes', () => {
    expect(rolePermissions('owner', catalog)).toEqual(catalog);
    expect(rolePermissions('admin', catalog)).toEqual(catalog);
    expect(rolePermissions('member', catalog)).toEqual(['projects:read', 'tasks:read', 'applications:read']);
  });

  it('lets "*" inherit whatever the owner can do now', () => {
    expect(effectivePermissions(['*'], 'admin', catalog)).toEqual(catalog);
    expect(effectivePermissions(['*'], 'member', catalog)).toEqual([
      'projects:read',
      'tasks:read',
      'applications:read',
    ]);
  });

  it('never widens: scopes beyond the owner role fall away', () => {
    expect(effectivePermissions(['projects:read', 'projects:write'], 'admin', catalog)).toEqual([
      'projects:read',
      'projects:write',
    ]);
    expect(effectivePermissions(['projects:read', 'projects:write'], 'member', catalog)).toEqual([
      'projects:read',
    ]);
    expect(effectivePermissions(['billing:write'], 'owner', catalog)).toEqual([]);
  });
});
