import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import { tokenStatus } from '../tokens/token-view';
import { TokensRepository } from '../tokens/tokens.repository';
import { type CallerUsage, toCallerUsage, UsageQueries } from './usage-queries';
import { denseSeries, totalsOf, type VerdictTotals } from './usage-range';
import { PendingOffersRepository } from './pending-offers.repository';
import { VerificationCountsRepository } from './verification-counts.repository';

const DAY_MS = 86_400_000;
/** The window of the preview: the last 30 UTC days, today included. */
export const IMPACT_DAYS = 30;
/** A token used this recently is "in use": revoking it breaks whoever used it. */
const RECENT_USE_MS = DAY_MS;

export type ImpactWarning =
  'USED_RECENTLY' | 'SUCCESSOR_NOT_IN_USE' | 'CANCELS_RENEWAL_OFFERS' | 'STOPS_AUTO_RENEWAL';

export interface TokenImpact {
  tokenId: string;
  status: string;
  lastUsedAt: string | null;
  verificationsPerDay: { day: string; ok: number; refused: number }[];
  last30Days: VerdictTotals;
  callers: CallerUsage[];
  successor: {
    id: string;
    name: string;
    status: string;
    lastUsedAt: string | null;
    inUse: boolean;
  } | null;
  pendingRenewalOffers: { id: string; dueAt: string; windowEndsAt: string }[];
  autoRenewal: boolean;
  warnings: ImpactWarning[];
}

/**
 * `GET /v1/tokens/:id/impact`: what revoking the token would break (seed 004's checklist, answered with
 * data): when it was last used and by whom, whether its successor has taken over, and the renewal offers
 * a revocation cancels.
 */
@Injectable()
export class TokenImpactQuery {
  constructor(
    private readonly queries: UsageQueries,
    private readonly tokens: TokensRepository,
    private readonly counts: VerificationCountsRepository,
    private readonly offers: PendingOffersRepository,
  ) {}

  async impact(principal: AdminPrincipal, id: string, now = new Date()): Promise<TokenImpact> {
    const token = await this.queries.visibleToken(principal, id);
    const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
    const range = { granularity: 'day' as const, from: new Date(to.getTime() - IMPACT_DAYS * DAY_MS), to };
    const scope = { tokenId: token.id };
    const [rows, callers, successor, offers] = await Promise.all([
      this.counts.series(scope, 'day', range.from, range.to),
      this.counts.callers(scope, range.from, range.to, 50),
      token.replacedByTokenId === null ? null : this.tokens.findById(token.replacedByTokenId),
      this.offers.ofToken(token.id, now),
    ]);
    const days = denseSeries(range, rows);
    const status = tokenStatus(token, now);
    const live = status === 'active';
    const successorView =
      successor === null || successor.tenantId !== token.tenantId
        ? null
        : {
            id: successor.id,
            name: successor.name,
            status: tokenStatus(successor, now),
            lastUsedAt: successor.lastUsedAt?.toISOString() ?? null,
            inUse: successor.lastUsedAt !== null,
          };
    const warnings: ImpactWarning[] = [];
    if (live && token.lastUsedAt !== null && now.getTime() - token.lastUsedAt.getTime() < RECENT_USE_MS) {
      warnings.push('USED_RECENTLY');
    }
    if (live && successorView !== null && !successorView.inUse) warnings.push('SUCCESSOR_NOT_IN_USE');
    if (live && offers.length > 0) warnings.push('CANCELS_RENEWAL_OFFERS');
    if (live && token.renewalEveryDays !== null) warnings.push('STOPS_AUTO_RENEWAL');
    return {
      tokenId: token.id,
      status,
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      verificationsPerDay: days.map((d) => ({ day: d.start, ok: d.ok, refused: d.refused })),
      last30Days: totalsOf(days),
      callers: callers.map(toCallerUsage),
      successor: successorView,
      pendingRenewalOffers: offers,
      autoRenewal: token.renewalEveryDays !== null,
      warnings,
    };
  }
}
