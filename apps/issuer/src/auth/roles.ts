import { DomainError } from '@latchkey/service-runtime';
import type { AdminPrincipal, Role } from './admin-principal';

export const FORBIDDEN_ROLE = 'FORBIDDEN_ROLE';

/** The caller is signed in, but their role may not do this: one code for every admin feature. */
export class ForbiddenRoleError extends DomainError {
  constructor(detail: string) {
    super(FORBIDDEN_ROLE, 403, detail);
  }
}

/** Refuses the call unless the caller holds one of the roles, e.g. `requireRole(p, ['owner'], 'set the policy')`. */
export function requireRole(
  principal: Pick<AdminPrincipal, 'role'>,
  allowed: readonly Role[],
  action: string,
): void {
  if (!allowed.includes(principal.role)) {
    throw new ForbiddenRoleError(`Only ${allowed.map((r) => `${r}s`).join(' and ')} may ${action}.`);
  }
}
