import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type ExpiryNoticeAnswer, INTERNAL_API_PREFIX } from '@latchkey/contracts';
import { InternalApiGuard } from '../internal/internal-api.guard';
import { TokenError, TokenErrorCode } from '../tokens/tokens.errors';
import { ExpiryNoticeDto } from './expiry-notice.dto';
import { RecordExpiryNotice } from './record-expiry-notice';

/** A malformed id cannot name a token: 404 like any unknown id. */
const tokenId = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new TokenError(TokenErrorCode.NotFound, 'No such token.'),
});

/** The worker's side of expiry reminders: each notice announced once (TokenExpiring) before its mail. */
@ApiExcludeController()
@Controller(INTERNAL_API_PREFIX)
@UseGuards(InternalApiGuard)
export class InternalExpiryNoticesController {
  constructor(private readonly record: RecordExpiryNotice) {}

  @Post('tokens/:id/expiry-notices')
  @HttpCode(200)
  notice(@Param('id', tokenId) id: string, @Body() body: ExpiryNoticeDto): Promise<ExpiryNoticeAnswer> {
    return this.record.execute(id, new Date(body.expiresAt), body.daysBefore);
  }
}
