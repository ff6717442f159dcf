import type { InternalTokenState } from '@latchkey/contracts';
import { type AutoRenewalColumns, autoRenewalScheduleOf, autoRenewalSettingsOf } from './auto-renewal';
import type { Token, TokenPurpose } from './token.entity';

export type TokenStatus = 'active' | 'revoked' | 'expired';

/** How old a token is, for the list view (seed 003): orange after 6 months, red after a year. */
export type AgeWarning = 'none' | 'older_than_6_months' | 'older_than_1_year' | 'expired';

/** A token's auto-renewal (seed 003) as the admin API shows it. */
export interface TokenAutoRenewalView {
  everyDays: number;
  callbackUrl: string;
  mailRecipient: string | null;
  /** When the next renewal is due; null once the token was replaced or revoked (nothing is scheduled). */
  nextRenewalAt: string | null;
}

/** What the admin API shows of a token: never the secret, never its hash. */
export interface TokenView {
  id: string;
  name: string;
  description: string | null;
  keyPrefix: string;
  /** Who issued the token (seed 000), with their email as it was then. */
  createdBy: { id: string; email: string | null };
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  status: TokenStatus;
  usageCount: number;
  scopes: string[];
  resources: string[];
  purpose: TokenPurpose;
  /** Scheduled renewal with a callback (seed 003); null while it is off. */
  autoRenewal: TokenAutoRenewalView | null;
  ageWarning: AgeWarning;
  /** Lineage (seed 003): the token this one replaced by rotation or renewal, if any. */
  replacesTokenId: string | null;
  /** The successor that replaced this token, if any. */
  replacedByTokenId: string | null;
}

export function tokenStatus(token: Pick<Token, 'status' | 'expiresAt'>, now: Date): TokenStatus {
  if (token.status === 'revoked') return 'revoked';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Revoked tokens carry no warning: there is nothing left to renew. */
export function ageWarning(token: Pick<Token, 'status' | 'expiresAt' | 'createdAt'>, now: Date): AgeWarning {
  const status = tokenStatus(token, now);
  if (status === 'expired') return 'expired';
  if (status === 'revoked') return 'none';
  if (token.createdAt.getTime() <= monthsBefore(now, 12).getTime()) return 'older_than_1_year';
  if (token.createdAt.getTime() <= monthsBefore(now, 6).getTime()) return 'older_than_6_months';
  return 'none';
}

function monthsBefore(date: Date, months: number): Date {
  const earlier = new Date(date);
  earlier.setUTCMonth(earlier.getUTCMonth() - months);
  return earlier;
}

export function toTokenView(token: Token, now = new Date()): TokenView {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    keyPrefix: token.keyPrefix,
    createdBy: { id: token.createdBy, email: token.createdByEmail },
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    status: tokenStatus(token, now),
    usageCount: token.usageCount,
    scopes: token.scopes,
    resources: token.resources,
    purpose: token.purpose,
    autoRenewal: autoRenewalView(token),
    ageWarning: ageWarning(token, now),
    replacesTokenId: token.replacesTokenId,
    replacedByTokenId: token.replacedByTokenId,
  };
}

export function autoRenewalView(token: AutoRenewalColumns): TokenAutoRenewalView | null {
  const settings = autoRenewalSettingsOf(token);
  if (settings === null) return null;
  return { ...settings, nextRenewalAt: token.renewalNextAt?.toISOString() ?? null };
}

/** The token as the worker sees it (`GET /internal/v1/tokens/:id`). */
export function toInternalTokenState(token: Token, now = new Date()): InternalTokenState {
  return {
    id: token.id,
    tenantId: token.tenantId,
    name: token.name,
    status: tokenStatus(token, now),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    createdBy: token.createdBy,
    createdByEmail: token.createdByEmail,
    autoRenewal: autoRenewalScheduleOf(token),
    replacedByTokenId: token.replacedByTokenId,
  };
}
