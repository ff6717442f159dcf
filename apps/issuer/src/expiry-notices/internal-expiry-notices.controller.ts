import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type ExpiringTokensPage, type ExpiryNoticeAnswer, INTERNAL_API_PREFIX } from '@latchkey/contracts';
import { InternalApiGuard } from '../internal/internal-api.guard';
import { TokenError, TokenErrorCode } from '../tokens/tokens.errors';
import { ExpiryNoticeDto, ExpiringTokensQuery } from './expiry-notice.dto';
import { ExpiryNoticesRepository } from './expiry-notices.repository';
import { RecordExpiryNotice } from './record-expiry-notice';

/** A malformed id cannot name a token: 404 like any unknown id. */
const tokenId = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new TokenError(TokenErrorCode.NotFound, 'No such token.'),
});

/** Tokens per page of `expiring-tokens`. */
const EXPIRING_PAGE_SIZE = 500;

/**
 * The worker's side of expiry reminders: each notice announced once (TokenExpiring) before its mail, and
 * the tokens to plan again when a tenant changes its reminder days.
 */
@ApiExcludeController()
@Controller(INTERNAL_API_PREFIX)
@UseGuards(InternalApiGuard)
export class InternalExpiryNoticesController {
  constructor(
    private readonly record: RecordExpiryNotice,
    private readonly notices: ExpiryNoticesRepository,
  ) {}

  @Get('tenants/:tenantId/expiring-tokens')
  async expiring(
    @Param('tenantId') tenantId: string,
    @Query() query: ExpiringTokensQuery,
  ): Promise<ExpiringTokensPage> {
    const ids = await this.notices.remindedTokenIds(
      tenantId,
      query.after ?? null,
      EXPIRING_PAGE_SIZE,
      new Date(),
    );
    return { tokenIds: ids, next: ids.length === EXPIRING_PAGE_SIZE ? ids[ids.length - 1] : null };
  }

  @Post('tokens/:id/expiry-notices')
  @HttpCode(200)
  notice(@Param('id', tokenId) id: string, @Body() body: ExpiryNoticeDto): Promise<ExpiryNoticeAnswer> {
    return this.record.execute(id, new Date(body.expiresAt), body.daysBefore);
  }
}
