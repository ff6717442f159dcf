import { Controller, Get, Param, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { tokenNotFound } from '../tokens/token-rules';
import { TokenImpactResponse } from './dto/impact.response';
import { UsageQuery } from './dto/usage.query';
import { TenantUsageResponse, TokenUsageResponse } from './dto/usage.response';
import { type TokenImpact, TokenImpactQuery } from './token-impact';
import { type TenantUsage, type TokenUsage, UsageQueries } from './usage-queries';

/** A malformed id cannot name a token: answer 404 like any other unknown id. */
const tokenId = new ParseUUIDPipe({ version: undefined, exceptionFactory: () => tokenNotFound('') });

const ApiTokenIdParam = (): MethodDecorator =>
  ApiParam({
    name: 'id',
    format: 'uuid',
    description: 'The token id (a malformed id is 404 like an unknown one).',
  });

const COUNTED =
  'Every verdict the verifiers gave on the token is counted, refusals included, by reason and by the name ' +
  'its caller gave (`caller` on verify); verdicts that name no token (MALFORMED, NOT_FOUND) are not. ' +
  'Verifiers publish their counts once per flush interval (a minute by default), so the current minute ' +
  'fills in late.';

@ApiTags('usage')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1')
@UseGuards(AdminAuthGuard)
export class UsageController {
  constructor(
    private readonly queries: UsageQueries,
    private readonly impacts: TokenImpactQuery,
  ) {}

  @ApiOperation({
    summary: "A token's verifications over time",
    description:
      `${COUNTED} Errors: 400 \`VALIDATION_FAILED\`, \`USAGE_RANGE_INVALID\` (empty or too long a range); ` +
      '404 `TOKEN_NOT_FOUND` (also a token the caller may not see).',
  })
  @ApiTokenIdParam()
  @ApiOkResponse({ type: TokenUsageResponse })
  @ApiProblems(400, 404)
  @Get('tokens/:id/usage')
  tokenUsage(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id', tokenId) id: string,
    @Query() query: UsageQuery,
  ): Promise<TokenUsage> {
    return this.queries.tokenUsage(admin, id, query);
  }

  @ApiOperation({
    summary: 'What revoking a token would break',
    description:
      'Its last use, verifications per day over 30 days, the callers seen, its successor and whether that ' +
      'is in use yet, and the renewal offers revoking cancels. Errors: 404 `TOKEN_NOT_FOUND`.',
  })
  @ApiTokenIdParam()
  @ApiOkResponse({ type: TokenImpactResponse })
  @ApiProblems(404)
  @Get('tokens/:id/impact')
  impact(@CurrentAdmin() admin: AdminPrincipal, @Param('id', tokenId) id: string): Promise<TokenImpact> {
    return this.impacts.impact(admin, id);
  }

  @ApiOperation({
    summary: "The tenant's verifications over time",
    description:
      `${COUNTED} Sums the tokens the caller may see (as in the token list), with the busiest 20. Errors: ` +
      '400 `VALIDATION_FAILED`, `USAGE_RANGE_INVALID`.',
  })
  @ApiOkResponse({ type: TenantUsageResponse })
  @ApiProblems(400)
  @Get('usage')
  tenantUsage(@CurrentAdmin() admin: AdminPrincipal, @Query() query: UsageQuery): Promise<TenantUsage> {
    return this.queries.tenantUsage(admin, query);
  }
}
