import { Injectable } from '@nestjs/common';
import type { InternalTokenState } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import type { ListTokensQuery } from './dto/list-tokens.query';
import { scopeOf, tokenNotFound } from './token-rules';
import { toInternalTokenState, toTokenView, type TokenView } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { TokensRepository } from './tokens.repository';

export interface TokenPage {
  items: TokenView[];
  page: number;
  pageSize: number;
  total: number;
}

/** Reading tokens: the admin's list and detail, and the worker's view through the internal API. */
@Injectable()
export class TokenQueries {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly policies: TenantPolicyService,
  ) {}

  /** Whose tokens the principal sees: their tenant's governance decides (seeds 000, 001). */
  private async scope(principal: AdminPrincipal) {
    return scopeOf(principal, await this.policies.governance(principal.tenantId));
  }

  /** `GET /v1/tokens`: one page, filtered and sorted on the server (never every row). */
  async list(principal: AdminPrincipal, query: ListTokensQuery): Promise<TokenPage> {
    const now = new Date();
    const { tokens, total } = await this.tokens.page(await this.scope(principal), query, now);
    return {
      items: tokens.map((t) => toTokenView(t, now)),
      page: query.page,
      pageSize: query.pageSize,
      total,
    };
  }

  /** `GET /v1/tokens/:id`: 404 for a token the principal may not see, exactly as for an unknown one. */
  async get(principal: AdminPrincipal, id: string): Promise<TokenView> {
    const token = await this.tokens.findVisible(await this.scope(principal), id);
    if (!token) throw tokenNotFound(id);
    return toTokenView(token);
  }

  /**
   * The token as the worker needs it (`GET /internal/v1/tokens/:id`), whatever its tenant: the internal
   * API is for Latchkey's own services only. With its tenant's expiry reminder days, for planning them.
   */
  async internalState(id: string): Promise<InternalTokenState> {
    const token = await this.tokens.findById(id);
    if (!token) throw new TokenError(TokenErrorCode.NotFound, `No token ${id}.`);
    return {
      ...toInternalTokenState(token),
      expiryReminderDays: await this.policies.expiryReminderDays(token.tenantId),
    };
  }
}
