import { applyDecorators, Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { REDEEM_PATH } from '@latchkey/contracts';
import { PublicRateLimitGuard } from '../infrastructure/rate-limits';
import { ProblemDetails } from '../openapi';
import { RedeemRenewalKeyDto } from './dto/redeem-renewal-key.dto';
import { RenewedTokenResponse } from './dto/renewed-token.response';
import { RenewalRedemptionService, type RenewedToken } from './renewal-redemption.service';
import { NoStore } from '../infrastructure/no-store';

/** What each error means to the third party redeeming a key; problem+json like every other error. */
const REDEEM_PROBLEMS: Record<number, string> = {
  400:
    '`RENEWAL_KEY_MALFORMED` (not shaped like a renewal key), `VALIDATION_FAILED` (no `key` string, or ' +
    'an unknown field), `MALFORMED_BODY`, `BODY_TOO_DEEP`, `INVALID_CHARACTERS`.',
  402: "`UPGRADE_REQUIRED`: the tenant's plan no longer includes API access.",
  404: '`RENEWAL_KEY_UNKNOWN`: no such key.',
  409: '`RENEWAL_KEY_USED`: the key was already redeemed (a key works once).',
  410:
    '`RENEWAL_KEY_EXPIRED`: its 2-hour window has ended (a later callback brings a new key); ' +
    '`RENEWAL_KEY_CANCELLED`: the token was revoked, expired or replaced in the meantime.',
  413: '`PAYLOAD_TOO_LARGE`.',
  415: '`UNSUPPORTED_MEDIA_TYPE`: send JSON; `UNSUPPORTED_CONTENT_ENCODING`: send it uncompressed.',
  422:
    "The tenant's policy refuses the new token (`POLICY_EXPIRY_REQUIRED`, `POLICY_MAX_LIFETIME_EXCEEDED`, `MAX_LIFETIME_EXCEEDED`) " +
    'or its token limit is reached (`TOKEN_LIMIT_REACHED`); the key stays redeemable within its window.',
  429: '`RATE_LIMITED`: too many requests from this source address; wait `Retry-After` seconds.',
  503: '`REVOCATION_NOT_REPLICATED` (no Redis replica confirmed the change): nothing was changed and the key is still valid; try again.',
};

const ApiRedeemProblems = (): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...Object.entries(REDEEM_PROBLEMS).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetails) } } },
      }),
    ),
  );

/**
 * Seed 003's public endpoint: the receiver of a renewal callback trades the callback's key for the
 * renewed token. No admin sign-in and no API token: the key is the credential.
 */
@ApiTags('auto-renewal')
@Controller()
export class RedeemController {
  constructor(private readonly redemption: RenewalRedemptionService) {}

  @ApiOperation({
    summary: 'Redeem a renewal key for the renewed token',
    description:
      'Called by the system that received a signed renewal callback (`token.renewal_available`; check its ' +
      '`Latchkey-Signature` first). Send the callback’s `key` before its `redeemBy` (2 hours) to receive ' +
      'the renewed token: same name, settings and lifetime, a new secret, shown in this response only. ' +
      'The old token keeps working until `replaces.endsAt` (24 hours by default), then expires. A key ' +
      'works once; an unredeemed key expires with its window and a new callback with a new key follows ' +
      '24 hours later. Needs no `Authorization` header.',
  })
  @ApiCreatedResponse({ type: RenewedTokenResponse, description: 'The renewed token, with its plaintext.' })
  @ApiRedeemProblems()
  @Post(REDEEM_PATH)
  @UseGuards(PublicRateLimitGuard)
  @HttpCode(201)
  @NoStore()
  redeem(@Body() body: RedeemRenewalKeyDto): Promise<RenewedToken> {
    return this.redemption.redeem(body.key);
  }
}
