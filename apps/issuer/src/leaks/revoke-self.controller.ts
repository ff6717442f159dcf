import { Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_TOKEN_SCHEME } from '../openapi';
import { ApiOwnProblems } from './leak-problems';
import { LeakError, LeakErrorCode } from './leaks.errors';
import { RevokeSelf } from './revoke-self';
import { RevokeSelfRateLimitGuard } from './revoke-self-rate-limit.guard';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** A token's holder revokes it by presenting it: no admin JWT (docs/secret-scanning.md). */
@ApiTags('secret-scanning')
@Controller()
export class RevokeSelfController {
  constructor(private readonly revokeSelf: RevokeSelf) {}

  @ApiOperation({
    summary: 'Revoke the token you present',
    description:
      'For whoever holds a token and sees it has leaked: present it as `Authorization: Bearer lk_…` (no ' +
      'admin JWT, no body). A live token is revoked at once (audited with the token itself as the actor; ' +
      'its owner and technical owner are mailed). The answer is 204 for every well-formed token, live, ' +
      'revoked, expired or unknown alike. Limited per source address (REVOKE_SELF_RATE_LIMIT).',
  })
  @ApiBearerAuth(API_TOKEN_SCHEME)
  @ApiNoContentResponse({ description: 'If the token was live, it is revoked now.' })
  @ApiOwnProblems({
    400: '`TOKEN_MALFORMED`: not shaped like a Latchkey token (prefix, length, alphabet, checksum).',
    401: '`TOKEN_REQUIRED`: no `Authorization: Bearer lk_…` header.',
    429: '`RATE_LIMITED`: too many requests from this address; wait `Retry-After` seconds.',
    503: '`REVOCATION_NOT_REPLICATED`: nothing was changed; try again.',
  })
  @Post('v1/tokens/revoke-self')
  @UseGuards(RevokeSelfRateLimitGuard)
  @HttpCode(204)
  async revoke(@Headers('authorization') authorization: string | undefined): Promise<void> {
    const presented = authorization === undefined ? null : BEARER.exec(authorization)?.[1];
    if (!presented) {
      throw new LeakError(
        LeakErrorCode.TokenRequired,
        'Present the token to revoke as Authorization: Bearer lk_…',
      );
    }
    await this.revokeSelf.execute(presented);
  }
}
