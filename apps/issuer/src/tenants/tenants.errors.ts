import { DomainError } from '@latchkey/service-runtime';

export enum TenantErrorCode {
  UpgradeRequired = 'UPGRADE_REQUIRED',
  PolicyExpiryRequired = 'POLICY_EXPIRY_REQUIRED',
  PolicyMaxLifetimeExceeded = 'POLICY_MAX_LIFETIME_EXCEEDED',
  MaxLifetimeExceeded = 'MAX_LIFETIME_EXCEEDED',
  /** `tokenIssuance: admins_only`: a member tried to issue a token. */
  PolicyIssuanceAdminsOnly = 'POLICY_ISSUANCE_ADMINS_ONLY',
  /** `adminRevocation: agent_tokens_only`: someone tried to revoke another person's general token. */
  PolicyRevocationAgentTokensOnly = 'POLICY_REVOCATION_AGENT_TOKENS_ONLY',
  /** Recoverable tokens cannot be turned on: the service has no TOKEN_RECOVERY_KEY. */
  TokenRecoveryUnavailable = 'TOKEN_RECOVERY_UNAVAILABLE',
  /** The idle warning would come as early as (or before) the token even became idle. */
  IdleWarningTooLong = 'IDLE_WARNING_TOO_LONG',
}

const STATUS: Record<TenantErrorCode, number> = {
  [TenantErrorCode.UpgradeRequired]: 402,
  [TenantErrorCode.PolicyExpiryRequired]: 422,
  [TenantErrorCode.PolicyMaxLifetimeExceeded]: 422,
  [TenantErrorCode.MaxLifetimeExceeded]: 422,
  [TenantErrorCode.PolicyIssuanceAdminsOnly]: 403,
  [TenantErrorCode.PolicyRevocationAgentTokensOnly]: 403,
  [TenantErrorCode.TokenRecoveryUnavailable]: 422,
  [TenantErrorCode.IdleWarningTooLong]: 422,
};

export class TenantError extends DomainError {
  constructor(code: TenantErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, STATUS[code], detail, extensions);
  }
}
