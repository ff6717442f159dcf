import { RenewalRefusal } from '@latchkey/contracts';
import { DomainError } from '@latchkey/service-runtime';

/**
 * Every code the renewal endpoints answer besides validation. The internal API's 409 codes are the
 * contract's `RenewalRefusal` (the worker drops the job on any 409); the `RENEWAL_KEY_*` codes are what a
 * third party redeeming a key sees.
 */
export enum RenewalErrorCode {
  TokenNotFound = 'TOKEN_NOT_FOUND',
  OfferNotFound = 'RENEWAL_OFFER_NOT_FOUND',
  AttemptNotFound = 'RENEWAL_ATTEMPT_NOT_FOUND',
  NotRenewable = RenewalRefusal.NotRenewable,
  StaleSchedule = RenewalRefusal.StaleSchedule,
  OfferClosed = RenewalRefusal.OfferClosed,
  NotDue = RenewalRefusal.NotDue,
  NoCallback = RenewalRefusal.NoCallback,
  SigningSecretRequired = 'SIGNING_SECRET_REQUIRED',
  KeyMalformed = 'RENEWAL_KEY_MALFORMED',
  KeyUnknown = 'RENEWAL_KEY_UNKNOWN',
  KeyUsed = 'RENEWAL_KEY_USED',
  KeyCancelled = 'RENEWAL_KEY_CANCELLED',
  KeyExpired = 'RENEWAL_KEY_EXPIRED',
}

const STATUS: Record<RenewalErrorCode, number> = {
  [RenewalErrorCode.TokenNotFound]: 404,
  [RenewalErrorCode.OfferNotFound]: 404,
  [RenewalErrorCode.AttemptNotFound]: 404,
  [RenewalErrorCode.NotRenewable]: 409,
  [RenewalErrorCode.StaleSchedule]: 409,
  [RenewalErrorCode.OfferClosed]: 409,
  [RenewalErrorCode.NotDue]: 409,
  [RenewalErrorCode.NoCallback]: 409,
  [RenewalErrorCode.SigningSecretRequired]: 409,
  [RenewalErrorCode.KeyMalformed]: 400,
  [RenewalErrorCode.KeyUnknown]: 404,
  [RenewalErrorCode.KeyUsed]: 409,
  [RenewalErrorCode.KeyCancelled]: 410,
  [RenewalErrorCode.KeyExpired]: 410,
};

export class RenewalError extends DomainError {
  constructor(code: RenewalErrorCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, STATUS[code], detail, extensions);
  }
}
