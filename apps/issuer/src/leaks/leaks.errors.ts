import { DomainError } from '@latchkey/service-runtime';

export enum LeakErrorCode {
  /** Neither LEAK_REPORT_KEYS_URL nor LEAK_REPORT_PUBLIC_KEYS is set: the intake is switched off. */
  IntakeDisabled = 'LEAK_INTAKE_DISABLED',
  /** No `Github-Public-Key-Identifier` or `Github-Public-Key-Signature` header, or one not shaped as one. */
  SignatureMissing = 'LEAK_SIGNATURE_MISSING',
  /** The key identifier names no key of the configured source. */
  KeyUnknown = 'LEAK_KEY_UNKNOWN',
  /** The signature does not verify over the body with the named key. */
  SignatureInvalid = 'LEAK_SIGNATURE_INVALID',
  /** The keys document could not be fetched and no copy is cached: the reporter should retry. */
  KeysUnavailable = 'LEAK_KEYS_UNAVAILABLE',
  /** The body is not a JSON array of `{token, type, url, source}`. */
  ReportMalformed = 'LEAK_REPORT_MALFORMED',
  /** `POST /v1/tokens/revoke-self` without `Authorization: Bearer lk_…`. */
  TokenRequired = 'TOKEN_REQUIRED',
  /** The presented value is not shaped like a Latchkey token (prefix, length, alphabet, checksum). */
  TokenMalformed = 'TOKEN_MALFORMED',
}

const STATUS: Record<LeakErrorCode, number> = {
  [LeakErrorCode.IntakeDisabled]: 404,
  [LeakErrorCode.SignatureMissing]: 401,
  [LeakErrorCode.KeyUnknown]: 401,
  [LeakErrorCode.SignatureInvalid]: 401,
  [LeakErrorCode.KeysUnavailable]: 503,
  [LeakErrorCode.ReportMalformed]: 400,
  [LeakErrorCode.TokenRequired]: 401,
  [LeakErrorCode.TokenMalformed]: 400,
};

export class LeakError extends DomainError {
  constructor(code: LeakErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, STATUS[code], detail, extensions);
  }
}
