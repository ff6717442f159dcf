import type { AdminPrincipal } from './admin-principal';

/**
 * Where the guard learns who is signing in, once the JWT is verified: the member record's role replaces
 * the token's claim. Implemented by the members feature and handed to `AuthModule.forRoot`, so the auth
 * folder depends on no feature.
 */
export interface PrincipalDirectory {
  signIn(claimed: AdminPrincipal): Promise<AdminPrincipal>;
}

export const PRINCIPAL_DIRECTORY = Symbol('PRINCIPAL_DIRECTORY');
