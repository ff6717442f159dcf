import { ALL_SCOPES, rolePermissions } from '@latchkey/contracts';
import { type AdminPrincipal, canSeeAllTenantTokens } from '../auth/admin-principal';
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

/** Tenants never see each other; members see only their own tokens. */
export function scopeOf(principal: AdminPrincipal): TokenScope {
  return canSeeAllTenantTokens(principal)
    ? { tenantId: principal.tenantId }
    : { tenantId: principal.tenantId, createdBy: principal.userId };
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
