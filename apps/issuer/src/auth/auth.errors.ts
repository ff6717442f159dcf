import { DomainError } from '@latchkey/service-runtime';

export enum AuthErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  ApiTokenNotAccepted = 'API_TOKEN_NOT_ACCEPTED',
  InvalidAdminToken = 'INVALID_ADMIN_TOKEN',
}

export class AuthError extends DomainError {
  constructor(code: AuthErrorCode, detail: string) {
    super(code, 401, detail);
  }
}
