import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { BulkRevokeTokens, type BulkRevokeResult } from './bulk-revoke-tokens';
import { BulkRevokeDto, BulkRevokeResponse, MAX_BULK_REVOKE_IDS } from './dto/bulk-revoke.dto';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/tokens')
@UseGuards(AdminAuthGuard)
export class TokenBulkRevokeController {
  constructor(private readonly bulkRevoke: BulkRevokeTokens) {}

  @ApiOperation({
    summary: 'Revoke several tokens at once',
    description:
      `Either \`ids\` (1 to ${MAX_BULK_REVOKE_IDS} tokens, e.g. the stale ones a list showed) or \`createdBy\` ` +
      "with `expectedCount` (every live token one person created, for offboarding; the count is the caller's " +
      'confirmation of what it was shown). Each token is revoked as by `POST /v1/tokens/:id/revoke`: the ' +
      "tenant's `adminRevocation` policy applies, and each gets its own TokenRevoked event, audit entry and " +
      'owner mail; all in one transaction, so once this returns no verifier accepts any of them. The answer ' +
      'lists one outcome per token (`revoked`, `already_revoked`, `not_found`, `forbidden`). Errors: 400 ' +
      '`BULK_REVOKE_TARGET_INVALID` (neither or both ways of naming tokens); 409 `BULK_REVOKE_COUNT_MISMATCH` ' +
      '(with `count`: nothing was revoked); 422 `BULK_REVOKE_TOO_LARGE`; 503 `REVOCATION_NOT_REPLICATED` ' +
      '(nothing was changed).',
  })
  @ApiOkResponse({ type: BulkRevokeResponse, description: 'One outcome per token.' })
  @ApiProblems(400, 409, 413, 415, 422, 503)
  @Post('bulk-revoke')
  @HttpCode(200)
  revoke(@CurrentAdmin() admin: AdminPrincipal, @Body() body: BulkRevokeDto): Promise<BulkRevokeResult> {
    return this.bulkRevoke.execute(admin, body);
  }
}
