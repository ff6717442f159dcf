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
}

export function canSeeAllTenantTokens(principal: AdminPrincipal): boolean {
  return principal.role === 'owner' || principal.role === 'admin';
}
