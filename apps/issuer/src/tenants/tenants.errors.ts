import { DomainError } from '@latchkey/service-runtime';

export enum TenantErrorCode {
  UpgradeRequired = 'UPGRADE_REQUIRED',
  PolicyExpiryRequired = 'POLICY_EXPIRY_REQUIRED',
  PolicyMaxLifetimeExceeded = 'POLICY_MAX_LIFETIME_EXCEEDED',
  MaxLifetimeExceeded = 'MAX_LIFETIME_EXCEEDED',
}

const STATUS: Record<TenantErrorCode, number> = {
  [TenantErrorCode.UpgradeRequired]: 402,
  [TenantErrorCode.PolicyExpiryRequired]: 422,
  [TenantErrorCode.PolicyMaxLifetimeExceeded]: 422,
  [TenantErrorCode.MaxLifetimeExceeded]: 422,
};

export class TenantError extends DomainError {
  constructor(code: TenantErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, STATUS[code], detail, extensions);
  }
}
