import { TokenError, TokenErrorCode } from './tokens.errors';

/** The expiration choices of the create dialog (seed 000). */
export const EXPIRY_CHOICES = ['30d', '60d', '90d', '1y', 'never'] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Resolves the requested expiry: a relative choice or an absolute future date, never both.
 * Omitted entirely, a token never expires (seed 002: setting an expiry is optional).
 */
export function resolveExpiry(
  request: { expiresIn?: ExpiryChoice; expiresAt?: Date },
  now: Date,
): Date | null {
  if (request.expiresIn !== undefined && request.expiresAt !== undefined) {
    throw new TokenError(TokenErrorCode.ExpiryConflict, 'Give either expiresIn or expiresAt, not both.');
  }
  if (request.expiresAt !== undefined) {
    if (request.expiresAt.getTime() <= now.getTime()) {
      throw new TokenError(TokenErrorCode.ExpiryInPast, 'expiresAt must be in the future.');
    }
    return request.expiresAt;
  }
  switch (request.expiresIn) {
    case undefined:
    case 'never':
      return null;
    case '30d':
      return new Date(now.getTime() + 30 * DAY_MS);
    case '60d':
      return new Date(now.getTime() + 60 * DAY_MS);
    case '90d':
      return new Date(now.getTime() + 90 * DAY_MS);
    case '1y': {
      const inAYear = new Date(now);
      inAYear.setUTCFullYear(inAYear.getUTCFullYear() + 1);
      return inAYear;
    }
  }
}
