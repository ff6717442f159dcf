import { Controller, Get, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { RenewalHistoryResponse } from './dto/renewal-history.response';
import type { RenewalHistory } from './renewal-view';
import { RenewalsService } from './renewals.service';
import { RenewalError, RenewalErrorCode } from './renewals.errors';

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
  constructor(private readonly renewals: RenewalsService) {}

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
}
