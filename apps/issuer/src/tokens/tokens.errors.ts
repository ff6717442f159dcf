import { DomainError } from '@latchkey/service-runtime';

export enum TokenErrorCode {
  NotFound = 'TOKEN_NOT_FOUND',
  AlreadyRevoked = 'TOKEN_ALREADY_REVOKED',
  Revoked = 'TOKEN_REVOKED',
  Expired = 'TOKEN_EXPIRED',
  ExpiryConflict = 'EXPIRY_CONFLICT',
  ExpiryInPast = 'EXPIRY_IN_PAST',
  EndInPast = 'END_IN_PAST',
  CannotExtend = 'CANNOT_EXTEND_TOKEN',
  FieldImmutable = 'TOKEN_FIELD_IMMUTABLE',
  NothingToUpdate = 'NOTHING_TO_UPDATE',
  RevocationNotReplicated = 'REVOCATION_NOT_REPLICATED',
  EmailNotVerified = 'EMAIL_NOT_VERIFIED',
  UnknownScope = 'UNKNOWN_SCOPE',
  ScopeNotGranted = 'SCOPE_NOT_GRANTED',
  LimitReached = 'TOKEN_LIMIT_REACHED',
  Replaced = 'TOKEN_REPLACED',
  CallbackUrlRefused = 'CALLBACK_URL_REFUSED',
  SigningSecretRequired = 'SIGNING_SECRET_REQUIRED',
  NotTokenOwner = 'NOT_TOKEN_OWNER',
  /** A create request gave both a rights preset and scopes. */
  RightsScopesConflict = 'RIGHTS_SCOPES_CONFLICT',
  /** A resource not in the tenant's applications catalog (when the catalog is not empty). */
  UnknownResource = 'UNKNOWN_RESOURCE',
  /** Revealing a recoverable token needs a sign-in (the JWT's `auth_time`) within the last minutes. */
  FreshSignInRequired = 'FRESH_SIGN_IN_REQUIRED',
  /** No recoverable copy of this token is kept (the tenant's policy was off when it was issued, or is now). */
  NotRecoverable = 'TOKEN_NOT_RECOVERABLE',
  /** Auto-renewal with neither a callback URL nor a mail recipient: nobody would learn of a renewal. */
  AutoRenewalUnreachable = 'AUTO_RENEWAL_UNREACHABLE',
  /** PATCH switching auto-renewal on without `everyDays`. */
  AutoRenewalIncomplete = 'AUTO_RENEWAL_INCOMPLETE',
  /** A bulk revoke needs either `ids`, or `createdBy` with `expectedCount`, and not both. */
  BulkRevokeTargetInvalid = 'BULK_REVOKE_TARGET_INVALID',
  /** A bulk revoke by creator whose `expectedCount` is not the number of their live tokens now. */
  BulkRevokeCountMismatch = 'BULK_REVOKE_COUNT_MISMATCH',
  /** A bulk revoke by creator that would end more tokens than one request may. */
  BulkRevokeTooLarge = 'BULK_REVOKE_TOO_LARGE',
}

const STATUS: Record<TokenErrorCode, number> = {
  [TokenErrorCode.NotFound]: 404,
  [TokenErrorCode.AlreadyRevoked]: 409,
  [TokenErrorCode.Revoked]: 409,
  [TokenErrorCode.Expired]: 409,
  [TokenErrorCode.ExpiryConflict]: 400,
  [TokenErrorCode.ExpiryInPast]: 400,
  [TokenErrorCode.EndInPast]: 400,
  [TokenErrorCode.CannotExtend]: 422,
  [TokenErrorCode.FieldImmutable]: 422,
  [TokenErrorCode.NothingToUpdate]: 400,
  [TokenErrorCode.RevocationNotReplicated]: 503,
  [TokenErrorCode.EmailNotVerified]: 403,
  [TokenErrorCode.UnknownScope]: 400,
  [TokenErrorCode.ScopeNotGranted]: 403,
  [TokenErrorCode.LimitReached]: 422,
  [TokenErrorCode.Replaced]: 409,
  [TokenErrorCode.CallbackUrlRefused]: 400,
  [TokenErrorCode.SigningSecretRequired]: 409,
  [TokenErrorCode.NotTokenOwner]: 403,
  [TokenErrorCode.RightsScopesConflict]: 400,
  [TokenErrorCode.UnknownResource]: 422,
  [TokenErrorCode.FreshSignInRequired]: 401,
  [TokenErrorCode.NotRecoverable]: 409,
  [TokenErrorCode.AutoRenewalUnreachable]: 422,
  [TokenErrorCode.AutoRenewalIncomplete]: 422,
  [TokenErrorCode.BulkRevokeTargetInvalid]: 400,
  [TokenErrorCode.BulkRevokeCountMismatch]: 409,
  [TokenErrorCode.BulkRevokeTooLarge]: 422,
};

export class TokenError extends DomainError {
  constructor(code: TokenErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, STATUS[code], detail, extensions);
  }
}
