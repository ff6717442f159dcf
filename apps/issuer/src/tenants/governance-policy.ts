import {
  ADMIN_REVOCATION_POLICIES,
  TOKEN_ISSUANCE_POLICIES,
  TOKEN_VISIBILITY_POLICIES,
} from '@latchkey/contracts';

/*
 * A tenant's governance policy: who may issue tokens, who sees whose, and what admins may revoke. Each
 * choice is one of the seeds' rules; the first value of each is what Latchkey did before tenants could
 * choose, and stays the default. The lists live in the contracts, as policy changes are announced.
 */

export { ADMIN_REVOCATION_POLICIES, TOKEN_ISSUANCE_POLICIES, TOKEN_VISIBILITY_POLICIES };

/**
 * Who may issue tokens (create, rotate, renew, switch auto-renewal on): `all_members` (today) or
 * `admins_only`, owners and admins (seed 000: "available to admins only"; seed 004: "Only authorized
 * workspace users should create, rotate, or revoke API keys").
 */
export type TokenIssuancePolicy = (typeof TOKEN_ISSUANCE_POLICIES)[number];

/**
 * Who sees and manages whose tokens: `admins_see_all` (today; seed 000: owners and admins see every token
 * of the tenant, members their own) or `own_tokens_only` (seed 001: everyone, owners included, sees and
 * manages only the tokens they created).
 */
export type TokenVisibilityPolicy = (typeof TOKEN_VISIBILITY_POLICIES)[number];

/**
 * What owners and admins may revoke of other people's tokens: `any_token` (today) or `agent_tokens_only`
 * (seed 002: "Your general tokens are yours alone. Agent connections are the exception").
 */
export type AdminRevocationPolicy = (typeof ADMIN_REVOCATION_POLICIES)[number];

export interface GovernancePolicy {
  tokenIssuance: TokenIssuancePolicy;
  tokenVisibility: TokenVisibilityPolicy;
  adminRevocation: AdminRevocationPolicy;
}

/** Today's behaviour: what a tenant that never chose gets. */
export const DEFAULT_GOVERNANCE: Readonly<GovernancePolicy> = Object.freeze({
  tokenIssuance: 'all_members',
  tokenVisibility: 'admins_see_all',
  adminRevocation: 'any_token',
});
