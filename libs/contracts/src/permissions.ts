/**
 * Scopes name what a token may do: `<resource>:read` or `<resource>:write` (seed 002, seed 003's
 * "read & write or only read"). `*` means "everything the token's owner can do" (seeds 000/001: a token
 * inherits its creator's permissions). Whatever a token holds, it never does more than its owner can
 * do *now*: effective permissions are computed at use time from the owner's current role.
 */
import type { MEMBER_ROLES, TOKEN_RIGHTS } from './events';

export const ALL_SCOPES = '*';

export const DEFAULT_SCOPE_CATALOG = [
  'projects:read',
  'projects:write',
  'tasks:read',
  'tasks:write',
  'applications:read',
  'applications:write',
] as const;

export type MemberRole = (typeof MEMBER_ROLES)[number];

/** What each role may do. Owners and admins: everything; members: read everything. */
export function rolePermissions(role: MemberRole, catalog: readonly string[]): string[] {
  return role === 'member' ? catalog.filter((scope) => scope.endsWith(':read')) : [...catalog];
}

/** A token's scopes intersected with what its owner's role allows today. */
export function effectivePermissions(
  tokenScopes: readonly string[],
  ownerRole: MemberRole,
  catalog: readonly string[],
): string[] {
  const allowed = rolePermissions(ownerRole, catalog);
  return tokenScopes.includes(ALL_SCOPES) ? allowed : allowed.filter((scope) => tokenScopes.includes(scope));
}

export type TokenRights = (typeof TOKEN_RIGHTS)[number];

/**
 * The scopes a rights preset stands for (seed 003's "read & write or only read"): `read` is every
 * `:read` scope of the catalog, `read_write` the whole catalog. Explicit scopes, never `*`: a preset
 * does not grow when its owner's role does.
 */
export function scopesForRights(rights: TokenRights, catalog: readonly string[]): string[] {
  return rights === 'read' ? catalog.filter((scope) => scope.endsWith(':read')) : [...catalog];
}
