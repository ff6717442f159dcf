import { Controller, Get, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { INTERNAL_API_PREFIX, type InternalTokenState } from '@latchkey/contracts';
import { TokenError, TokenErrorCode } from '../tokens/tokens.errors';
import { TokenQueries } from '../tokens/token-queries';
import { InternalApiGuard } from './internal-api.guard';

/** A malformed id cannot name a token: 404 like any unknown id. */
const tokenId = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new TokenError(TokenErrorCode.NotFound, 'No such token.'),
});

/**
 * The worker's view of tokens (libs/contracts renewals.ts): state for scheduling renewals and mail.
 * Service-to-service only, so not in the public API reference.
 */
@ApiExcludeController()
@Controller(`${INTERNAL_API_PREFIX}/tokens`)
@UseGuards(InternalApiGuard)
export class InternalTokensController {
  constructor(private readonly tokens: TokenQueries) {}

  @Get(':id')
  get(@Param('id', tokenId) id: string): Promise<InternalTokenState> {
    return this.tokens.internalState(id);
  }
}
