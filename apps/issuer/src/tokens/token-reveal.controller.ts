import { Controller, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { NoStore } from '../infrastructure/no-store';
import { ApiProblems } from '../openapi';
import { RevealToken, type RevealedToken } from './reveal-token';
import { TokenError, TokenErrorCode } from './tokens.errors';

class RevealedTokenResponse implements RevealedToken {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The plaintext token, as it was issued.' })
  token!: string;

  @ApiProperty({ format: 'date-time', description: 'When it was revealed (audited, mailed to the owner).' })
  revealedAt!: string;
}

/** A malformed id cannot name a token: answer 404 like any other unknown id. */
const tokenId = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new TokenError(TokenErrorCode.NotFound, 'No such token in your tenant.'),
});

@ApiTags('tokens')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/tokens')
@UseGuards(AdminAuthGuard)
export class TokenRevealController {
  constructor(private readonly revealToken: RevealToken) {}

  @ApiOperation({
    summary: 'Reveal a recoverable token again',
    description:
      'Seed 003\'s "click on Copy": the plaintext of a token issued while the tenant\'s `recoverableTokens` ' +
      "policy was on. Only the token's owner, after a fresh sign-in (the admin JWT's `auth_time` within " +
      'TOKEN_REVEAL_MAX_AUTH_AGE_SECONDS, 300 by default). Every reveal is recorded in the audit log as ' +
      '`token.revealed` and mailed to the owner. Errors: 401 `FRESH_SIGN_IN_REQUIRED`; 403 ' +
      '`NOT_TOKEN_OWNER`; 404 `TOKEN_NOT_FOUND`; 409 `TOKEN_REVOKED`, `TOKEN_EXPIRED`, ' +
      '`TOKEN_NOT_RECOVERABLE` (no copy is kept).',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The token id (a malformed id is 404).' })
  @ApiOkResponse({ type: RevealedTokenResponse, description: 'The plaintext token.' })
  @ApiProblems(404, 409)
  @Post(':id/reveal')
  @HttpCode(200)
  @NoStore()
  reveal(@CurrentAdmin() admin: AdminPrincipal, @Param('id', tokenId) id: string): Promise<RevealedToken> {
    return this.revealToken.execute(admin, id);
  }
}
