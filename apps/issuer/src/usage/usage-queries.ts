import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../auth/admin-principal';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import { scopeOf, tokenNotFound } from '../tokens/token-rules';
import type { Token } from '../tokens/token.entity';
import { TokensRepository } from '../tokens/tokens.repository';
import type { UsageQuery } from './dto/usage.query';
import { denseSeries, totalsOf, type UsageBucket, usageRange, type VerdictTotals } from './usage-range';
import { type CallerRow, VerificationCountsRepository } from './verification-counts.repository';

export interface CallerUsage {
  caller: string | null;
  count: number;
  lastSeenDay: string;
}

export interface TokenUsage {
  tokenId: string;
  granularity: string;
  from: string;
  to: string;
  buckets: UsageBucket[];
  totals: VerdictTotals;
  callers: CallerUsage[];
}

export interface TenantUsage {
  granularity: string;
  from: string;
  to: string;
  buckets: UsageBucket[];
  totals: VerdictTotals;
  tokens: { tokenId: string; name: string; ok: number; refused: number }[];
}

const MAX_CALLERS_SHOWN = 50;
const MAX_TOKENS_SHOWN = 20;

/**
 * Verification analytics as the admin API shows them. Whose counts a principal sees follows the token
 * list's visibility (seeds 000, 001): a token out of sight is 404 as unknown, and the tenant view of a
 * member (or of anyone under `own_tokens_only`) counts only their own tokens.
 */
@Injectable()
export class UsageQueries {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly policies: TenantPolicyService,
    private readonly counts: VerificationCountsRepository,
  ) {}

  /** The token, if the principal may see it; 404 TOKEN_NOT_FOUND otherwise. */
  async visibleToken(principal: AdminPrincipal, id: string): Promise<Token> {
    const scope = scopeOf(principal, await this.policies.governance(principal.tenantId));
    const token = await this.tokens.findVisible(scope, id);
    if (!token) throw tokenNotFound(id);
    return token;
  }

  /** `GET /v1/tokens/:id/usage` */
  async tokenUsage(
    principal: AdminPrincipal,
    id: string,
    query: UsageQuery,
    now = new Date(),
  ): Promise<TokenUsage> {
    const range = usageRange(query, now);
    const token = await this.visibleToken(principal, id);
    const scope = { tokenId: token.id };
    const [rows, callers] = await Promise.all([
      this.counts.series(scope, range.granularity, range.from, range.to),
      this.counts.callers(scope, range.from, range.to, MAX_CALLERS_SHOWN),
    ]);
    const buckets = denseSeries(range, rows);
    return {
      tokenId: token.id,
      granularity: range.granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      buckets,
      totals: totalsOf(buckets),
      callers: callers.map(toCallerUsage),
    };
  }

  /** `GET /v1/usage`: the tenant's tokens in sight, summed, and the busiest of them. */
  async tenantUsage(principal: AdminPrincipal, query: UsageQuery, now = new Date()): Promise<TenantUsage> {
    const range = usageRange(query, now);
    const scope = scopeOf(principal, await this.policies.governance(principal.tenantId));
    const [rows, tokens] = await Promise.all([
      this.counts.series(scope, range.granularity, range.from, range.to),
      this.counts.topTokens(scope, startOfHour(range.from), range.to, MAX_TOKENS_SHOWN),
    ]);
    const buckets = denseSeries(range, rows);
    return {
      granularity: range.granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      buckets,
      totals: totalsOf(buckets),
      tokens,
    };
  }
}

export function toCallerUsage(row: CallerRow): CallerUsage {
  return { caller: row.caller, count: row.count, lastSeenDay: new Date(row.lastSeen).toISOString() };
}

function startOfHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
}
