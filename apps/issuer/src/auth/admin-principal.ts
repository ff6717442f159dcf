import { MEMBER_ROLES, type MemberRole } from '@latchkey/contracts';

/** The roles of the permission model (libs/contracts): what a JWT's `role` and a member record may hold. */
export const ROLES = MEMBER_ROLES;
export type Role = MemberRole;

/**
 * The signed-in person behind an admin API call: identity from the identity provider's JWT, role from
 * their member record (the JWT's role only seeds it on first sign-in).
 */
export interface AdminPrincipal {
  userId: string;
  tenantId: string;
  role: Role;
  email: string | null;
  emailVerified: boolean;
  /**
   * When the person last signed in at the identity provider (the JWT's `auth_time`, OpenID Connect),
   * epoch seconds; null or absent when the JWT does not say. Revealing a recoverable token needs a
   * recent one (TOKEN_REVEAL_MAX_AUTH_AGE_SECONDS).
   */
  authTime?: number | null;
}

export function canSeeAllTenantTokens(principal: AdminPrincipal): boolean {
  return principal.role === 'owner' || principal.role === 'admin';
}
