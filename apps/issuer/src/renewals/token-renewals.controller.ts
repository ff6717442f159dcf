import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { NoStore } from '../infrastructure/no-store';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems, ProblemDetails } from '../openapi';
import { RenewalHistoryResponse } from './dto/renewal-history.response';
import { RenewedTokenResponse } from './dto/renewed-token.response';
import { RenewalRedemptionService, type RenewedToken } from './renewal-redemption.service';
import type { RenewalHistory } from './renewal-view';
import { RenewalsService } from './renewals.service';
import { RenewalError, RenewalErrorCode } from './renewals.errors';

/** A malformed offer id names no offer: 404 like an unknown one. */
const offerId = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () =>
    new RenewalError(RenewalErrorCode.OfferNotFound, 'No such renewal offer for this token.'),
});

/** A malformed id cannot name a token: answer 404 like any other unknown id. */
const tokenId = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new RenewalError(RenewalErrorCode.TokenNotFound, 'No such token in your tenant.'),
});

@ApiTags('tokens')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/tokens')
@UseGuards(AdminAuthGuard)
export class TokenRenewalsController {
  constructor(
    private readonly renewals: RenewalsService,
    private readonly redemption: RenewalRedemptionService,
  ) {}

  @ApiOperation({
    summary: "Show a token's auto-renewals",
    description:
      'Every renewal offer of the token, newest first, with each callback delivery attempt (status code, ' +
      'duration, error). Visible to whoever may see the token. Redeem keys are never shown.',
  })
  @ApiParam({
    name: 'id',
    format: 'uuid',
    description: 'The token id (a malformed id is 404 like an unknown one).',
  })
  @ApiOkResponse({ type: RenewalHistoryResponse, description: "The token's renewal offers." })
  @ApiProblems(404)
  @Get(':id/renewals')
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('id', tokenId) id: string): Promise<RenewalHistory> {
    return this.renewals.history(admin, id);
  }

  @ApiOperation({
    summary: 'Redeem a pending renewal in the console',
    description:
      "The token's owner, signed in, redeems a pending renewal offer without a key (seed 003: a token " +
      'without a callback URL is renewed this way; its mail recipient is told when an offer opens). ' +
      'Answers like the key redeem: the renewed token, its plaintext shown this once, and the old ' +
      "token's end (a grace period). 403 `NOT_TOKEN_OWNER` for anyone but the owner; 404 " +
      '`RENEWAL_OFFER_NOT_FOUND` for an offer of another token; 409 `RENEWAL_KEY_USED` once redeemed; 410 ' +
      '`RENEWAL_KEY_EXPIRED` after the redeem window, `RENEWAL_KEY_CANCELLED` when the token was revoked, ' +
      "expired or replaced; 422 when the tenant's policy refuses the successor.",
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The token id.' })
  @ApiParam({ name: 'offerId', format: 'uuid', description: 'The pending offer (from the renewals list).' })
  @ApiCreatedResponse({ type: RenewedTokenResponse, description: 'The renewed token, shown this once.' })
  @ApiProblems(403, 404, 409, 422)
  @ApiResponse({
    status: 410,
    description:
      '`RENEWAL_KEY_EXPIRED`: the redeem window has ended (the next offer is announced again); ' +
      '`RENEWAL_KEY_CANCELLED`: the token was revoked, expired or replaced in the meantime.',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetails) } } },
  })
  @Post(':id/renewals/:offerId/redeem')
  @HttpCode(201)
  @NoStore()
  redeem(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id', tokenId) id: string,
    @Param('offerId', offerId) offer: string,
  ): Promise<RenewedToken> {
    return this.redemption.redeemAsOwner(admin, id, offer);
  }
}
