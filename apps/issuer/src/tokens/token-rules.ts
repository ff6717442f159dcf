import { ALL_SCOPES, rolePermissions, scopesForRights, type TokenRights } from '@latchkey/contracts';
import { type AdminPrincipal, canSeeAllTenantTokens } from '../auth/admin-principal';
import type { GovernancePolicy } from '../tenants/governance-policy';
import { TenantError, TenantErrorCode } from '../tenants/tenants.errors';
import type { RotationGrace } from './dto/rotate-token.dto';
import type { Token } from './token.entity';
import type { TokenScope } from './tokens.repository';
import { tokenStatus } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';

/*
 * The token decisions that need no I/O, shared by the token use cases.
 */

export const DAY_MS = 86_400_000;

export const GRACE_MS: Record<RotationGrace, number> = {
  now: 0,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
};

/**
 * Tenants never see each other; members see only their own tokens, and under the tenant's
 * `own_tokens_only` policy (seed 001) so do owners and admins. A token out of scope is 404, as unknown.
 */
export function scopeOf(
  principal: AdminPrincipal,
  governance: Pick<GovernancePolicy, 'tokenVisibility'>,
): TokenScope {
  return canSeeAllTenantTokens(principal) && governance.tokenVisibility === 'admins_see_all'
    ? { tenantId: principal.tenantId }
    : { tenantId: principal.tenantId, createdBy: principal.userId };
}

/**
 * Under the tenant's `admins_only` issuance policy (seeds 000, 004) only owners and admins issue tokens:
 * create, rotate, renew, or switch auto-renewal on (which issues successors). Revoking stays open to a
 * token's owner: taking access away is never what the policy guards against.
 */
export function assertMayIssueTokens(
  principal: AdminPrincipal,
  governance: Pick<GovernancePolicy, 'tokenIssuance'>,
): void {
  if (governance.tokenIssuance === 'admins_only' && principal.role === 'member') {
    throw new TenantError(
      TenantErrorCode.PolicyIssuanceAdminsOnly,
      'Your organisation lets only owners and admins issue tokens. Ask an admin for one.',
    );
  }
}

/**
 * Under the tenant's `agent_tokens_only` revocation policy (seed 002: "Your general tokens are yours
 * alone. Agent connections are the exception"), revoking someone else's token is allowed only for an
 * agent token. Anyone may revoke their own.
 */
export function assertMayRevoke(
  principal: AdminPrincipal,
  token: Token,
  governance: Pick<GovernancePolicy, 'adminRevocation'>,
): void {
  if (
    governance.adminRevocation === 'agent_tokens_only' &&
    token.createdBy !== principal.userId &&
    token.purpose !== 'agent'
  ) {
    throw new TenantError(
      TenantErrorCode.PolicyRevocationAgentTokensOnly,
      "Your organisation lets admins revoke only other people's agent tokens; this integration token is " +
        "its owner's to revoke.",
      { ownerId: token.createdBy },
    );
  }
}

/** Scopes must exist in the catalog and be within what the creator may do: tokens never widen access. */
export function grantableScopes(principal: AdminPrincipal, scopes: string[], catalog: string[]): string[] {
  const unknown = scopes.filter((s) => s !== ALL_SCOPES && !catalog.includes(s));
  if (unknown.length > 0) {
    throw new TokenError(TokenErrorCode.UnknownScope, `Unknown scope(s): ${unknown.join(', ')}.`, {
      unknown,
      catalog,
    });
  }
  const allowed = rolePermissions(principal.role, catalog);
  const beyond = scopes.filter((s) => s !== ALL_SCOPES && !allowed.includes(s));
  if (beyond.length > 0) {
    throw new TokenError(
      TokenErrorCode.ScopeNotGranted,
      `A token can never do more than you can; your role does not include ${beyond.join(', ')}.`,
      { scopes: beyond },
    );
  }
  return scopes;
}

/**
 * A new token's scopes and the rights preset they came from (seed 003; seed 002's "Grant the least"):
 * explicit scopes (preset null), a preset asked for, or else the tenant's default preset, which for a
 * member is never more than `read` (a member can only read, and asked for nothing). Both asked for is
 * 400: which one should win is the creator's to say.
 */
export function chooseScopes(
  principal: AdminPrincipal,
  request: { rights?: TokenRights; scopes?: string[] },
  defaultRights: TokenRights,
  catalog: string[],
): { rights: TokenRights | null; scopes: string[] } {
  if (request.rights !== undefined && request.scopes !== undefined) {
    throw new TokenError(
      TokenErrorCode.RightsScopesConflict,
      'Give either a rights preset (rights) or scopes, not both.',
    );
  }
  if (request.scopes !== undefined) {
    return { rights: null, scopes: grantableScopes(principal, request.scopes, catalog) };
  }
  const rights = request.rights ?? (principal.role === 'member' ? 'read' : defaultRights);
  return { rights, scopes: grantableScopes(principal, scopesForRights(rights, catalog), catalog) };
}

/**
 * With a catalog of applications (seed 003's drop-down), a token may be restricted only to its ids; a
 * tenant with an empty catalog keeps free-form resource ids.
 */
export function assertKnownResources(resources: string[], catalogIds: string[]): void {
  if (catalogIds.length === 0) return;
  const unknown = resources.filter((r) => !catalogIds.includes(r));
  if (unknown.length > 0) {
    throw new TokenError(
      TokenErrorCode.UnknownResource,
      `Not in your organisation's applications catalog: ${unknown.join(', ')}. Choose from the catalog.`,
      { unknown, applications: catalogIds },
    );
  }
}

/**
 * Only a live token that has not been replaced yet gets a successor: rotating or renewing a token twice
 * would leave two live tokens (each renewing itself) where there was one.
 */
export function assertReplaceable(token: Token, now: Date): void {
  const status = tokenStatus(token, now);
  if (status !== 'active') {
    throw new TokenError(
      status === 'revoked' ? TokenErrorCode.Revoked : TokenErrorCode.Expired,
      `This token is ${status} and cannot be renewed or rotated. Create a new token instead.`,
    );
  }
  if (token.replacedByTokenId !== null) {
    throw new TokenError(
      TokenErrorCode.Replaced,
      `This token has already been replaced by ${token.replacedByTokenId}; renew or rotate that token instead.`,
      { replacedByTokenId: token.replacedByTokenId },
    );
  }
}

/** Auto-renewal can be set only on a live token that has not been replaced yet (409 otherwise). */
export function assertMayAutoRenew(token: Token, now: Date): void {
  const status = tokenStatus(token, now);
  if (status !== 'active') {
    throw new TokenError(
      status === 'revoked' ? TokenErrorCode.Revoked : TokenErrorCode.Expired,
      `This token is ${status}; it cannot be renewed automatically. Create a new token instead.`,
    );
  }
  if (token.replacedByTokenId !== null) {
    throw new TokenError(
      TokenErrorCode.Replaced,
      `This token has been replaced by ${token.replacedByTokenId}; set auto-renewal on that token instead.`,
      { replacedByTokenId: token.replacedByTokenId },
    );
  }
}

/** Issuing a token needs a verified email address (seed 002). */
export function requireVerifiedEmail(principal: AdminPrincipal): void {
  if (!principal.emailVerified) {
    throw new TokenError(
      TokenErrorCode.EmailNotVerified,
      'Verify your email address before creating tokens.',
    );
  }
}

/**
 * Only a token's owner (its creator) receives a successor's plaintext or decides where its renewals go:
 * an admin who could rotate, renew or point the callback of someone else's token elsewhere would hold a
 * credential that acts as that person. Admins may still see, describe, switch off and revoke it.
 */
export function assertTokenOwner(principal: AdminPrincipal, token: Token, action: string): void {
  if (token.createdBy !== principal.userId) {
    throw new TokenError(
      TokenErrorCode.NotTokenOwner,
      `Only the token's owner can ${action}; you may revoke it (its owner is told).`,
      { ownerId: token.createdBy },
    );
  }
}

export function tokenNotFound(id: string): TokenError {
  return new TokenError(TokenErrorCode.NotFound, `No token ${id} in your tenant.`);
}

export function earliest(expiry: Date | null, end: Date): Date {
  return expiry !== null && expiry.getTime() < end.getTime() ? expiry : end;
}
