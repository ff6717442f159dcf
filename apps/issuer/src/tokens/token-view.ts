import type { InternalTokenState, TokenRights } from '@latchkey/contracts';
import { type AutoRenewalColumns, autoRenewalScheduleOf, autoRenewalSettingsOf } from './auto-renewal';
import type { Token, TokenPurpose } from './token.entity';
import { technicalOwnerOf, type TechnicalOwner } from './technical-owner';

/** Where a token stands by its own row: revoked wins over expired. */
export type LifecycleStatus = 'active' | 'revoked' | 'expired';

/**
 * The status the admin API shows (seeds 000, 001): the lifecycle status, except that a live token whose
 * owner is no longer an active member is `owner_inactive`, as the verifiers refuse it (OWNER_INACTIVE).
 */
export type TokenStatus = LifecycleStatus | 'owner_inactive';

const MS_PER_DAY = 86_400_000;

/** How old a token is, for the list view (seed 003): orange after 6 months, red after a year. */
export type AgeWarning = 'none' | 'older_than_6_months' | 'older_than_1_year' | 'expired';

/** A token's auto-renewal (seed 003) as the admin API shows it. */
export interface TokenAutoRenewalView {
  everyDays: number;
  callbackUrl: string | null;
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
  /** The owner the token acts for (seeds 000, 001), with their email as it was at creation. */
  createdBy: { id: string; email: string | null };
  /** Who issued this token (the owner, or whoever rotated or renewed it, or the auto-renewal service). */
  issuedBy: { id: string; email: string | null };
  createdAt: string;
  /** Whole days since `createdAt` (seed 003). */
  ageDays: number;
  lastUsedAt: string | null;
  expiresAt: string | null;
  status: TokenStatus;
  usageCount: number;
  scopes: string[];
  /** The rights preset the token was created with (seed 003); null for custom scopes. */
  rights: TokenRights | null;
  resources: string[];
  purpose: TokenPurpose;
  /** Scheduled renewal with a callback (seed 003); null while it is off. */
  autoRenewal: TokenAutoRenewalView | null;
  ageWarning: AgeWarning;
  /** Lineage (seed 003): the token this one replaced by rotation or renewal, if any. */
  replacesTokenId: string | null;
  /** The successor that replaced this token, if any. */
  replacedByTokenId: string | null;
  /** Whom to tell before rotating or revoking it (seed 004); null: nobody named. */
  technicalOwner: TechnicalOwner | null;
}

export function tokenStatus(token: Pick<Token, 'status' | 'expiresAt'>, now: Date): LifecycleStatus {
  if (token.status === 'revoked') return 'revoked';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/**
 * The status as the admin API shows it: a revoked or expired token says so whoever its owner is; a live
 * one whose owner was removed is `owner_inactive`. `ownerActive` unknown (a row built in memory) counts as
 * active.
 */
export function listedStatus(
  token: Pick<Token, 'status' | 'expiresAt' | 'ownerActive'>,
  now: Date,
): TokenStatus {
  const status = tokenStatus(token, now);
  return status === 'active' && token.ownerActive === false ? 'owner_inactive' : status;
}

/** Whole days from creation to `now`; never negative (a clock a little behind the database's). */
export function ageDays(token: Pick<Token, 'createdAt'>, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - token.createdAt.getTime()) / MS_PER_DAY));
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
    issuedBy: { id: token.issuedBy, email: token.issuedByEmail },
    createdAt: token.createdAt.toISOString(),
    ageDays: ageDays(token, now),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    status: listedStatus(token, now),
    usageCount: token.usageCount,
    scopes: token.scopes,
    rights: token.rights ?? null,
    resources: token.resources,
    purpose: token.purpose,
    autoRenewal: autoRenewalView(token),
    ageWarning: ageWarning(token, now),
    replacesTokenId: token.replacesTokenId,
    replacedByTokenId: token.replacedByTokenId,
    technicalOwner: technicalOwnerOf(token),
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
    technicalOwner: technicalOwnerOf(token),
  };
}
