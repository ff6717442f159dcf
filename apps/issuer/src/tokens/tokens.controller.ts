import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { CreateTokenDto } from './dto/create-token.dto';
import { ListTokensQuery } from './dto/list-tokens.query';
import { RenewTokenDto } from './dto/renew-token.dto';
import { RotateTokenDto } from './dto/rotate-token.dto';
import {
  CreatedTokenResponse,
  ReplacedTokenResponse,
  TokenPageResponse,
  TokenResponse,
} from './dto/token.response';
import { UpdateTokenDto } from './dto/update-token.dto';
import type { TokenView } from './token-view';
import { CreateToken } from './create-token';
import { ReplaceToken, type ReplacedToken } from './replace-token';
import { RevokeToken } from './revoke-token';
import type { CreatedToken } from './token-issuance';
import { TokenQueries, type TokenPage } from './token-queries';
import { UpdateToken } from './update-token';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { NoStore } from '../infrastructure/no-store';

/** A malformed id cannot name a token: answer 404 like any other unknown id. */
const tokenId = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new TokenError(TokenErrorCode.NotFound, 'No such token in your tenant.'),
});

const ApiTokenIdParam = (): MethodDecorator =>
  ApiParam({
    name: 'id',
    format: 'uuid',
    description: 'The token id (a malformed id is 404 like an unknown one).',
  });

@ApiTags('tokens')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/tokens')
@UseGuards(AdminAuthGuard)
export class TokensController {
  constructor(
    private readonly queries: TokenQueries,
    private readonly createToken: CreateToken,
    private readonly updateToken: UpdateToken,
    private readonly replaceToken: ReplaceToken,
    private readonly revokeToken: RevokeToken,
  ) {}

  @ApiOperation({
    summary: 'Create a token',
    description:
      'The response carries the plaintext `token`, once. Errors: 400 `EXPIRY_CONFLICT`, `EXPIRY_IN_PAST`, ' +
      '`UNKNOWN_SCOPE`, `RIGHTS_SCOPES_CONFLICT` (both `rights` and `scopes`), `CALLBACK_URL_REFUSED` ' +
      '(with a `reason`); 402 `UPGRADE_REQUIRED`; 403 ' +
      '`EMAIL_NOT_VERIFIED`, `SCOPE_NOT_GRANTED`, `POLICY_ISSUANCE_ADMINS_ONLY` (a member, when the ' +
      "tenant's `tokenIssuance` is `admins_only`); 409 `SIGNING_SECRET_REQUIRED` (auto-renewal needs a " +
      'signing secret: `POST /v1/tenant/signing-secrets`); 422 `POLICY_EXPIRY_REQUIRED`, ' +
      '`POLICY_MAX_LIFETIME_EXCEEDED`, `MAX_LIFETIME_EXCEEDED`, `TOKEN_LIMIT_REACHED`, `UNKNOWN_RESOURCE` (a ' +
      "resource outside the tenant's applications catalog, when it has entries; with `unknown` and " +
      '`applications`).',
  })
  @ApiCreatedResponse({ type: CreatedTokenResponse, description: 'The new token, with its plaintext.' })
  @ApiProblems(400, 402, 409, 413, 415, 422)
  @Post()
  @HttpCode(201)
  @NoStore()
  create(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreateTokenDto): Promise<CreatedToken> {
    return this.createToken.execute(admin, body);
  }

  @ApiOperation({
    summary: 'List tokens',
    description:
      "Owners and admins see the tenant's tokens, members only their own; when the tenant's " +
      '`tokenVisibility` is `own_tokens_only`, everyone sees only their own. Newest first, 15 a page. ' +
      'Stale tokens: `unusedForDays=N` with `sort=lastUsedAt&order=asc`; offboarding: `createdBy=<userId>`. ' +
      'Errors: 400 `VALIDATION_FAILED` for a bad filter, sort or page.',
  })
  @ApiOkResponse({ type: TokenPageResponse, description: 'One page of tokens.' })
  @ApiProblems(400)
  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Query() query: ListTokensQuery): Promise<TokenPage> {
    return this.queries.list(admin, query);
  }

  @ApiOperation({
    summary: 'Show a token',
    description:
      "Errors: 404 `TOKEN_NOT_FOUND` for an unknown id, another tenant's token, or one the caller may " +
      "not see (a member's view of another person's token; anyone's under `own_tokens_only`).",
  })
  @ApiTokenIdParam()
  @ApiOkResponse({ type: TokenResponse, description: 'The token (never its secret).' })
  @ApiProblems(404)
  @Get(':id')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('id', tokenId) id: string): Promise<TokenView> {
    return this.queries.get(admin, id);
  }

  @ApiOperation({
    summary: "Edit a token's description and auto-renewal",
    description:
      'The description, the `technicalOwner` (null removes it) and `autoRenewal` (its period, callback ' +
      'URL and mail recipient; null switches it ' +
      "off) are editable; only the token's owner may set auto-renewal (anyone who sees the token may " +
      'switch it off). Errors: 400 `NOTHING_TO_UPDATE`, `CALLBACK_URL_REFUSED` (with a `reason`); 403 ' +
      '`NOT_TOKEN_OWNER`, `POLICY_ISSUANCE_ADMINS_ONLY` (a member switching auto-renewal on under ' +
      '`admins_only`); 404 `TOKEN_NOT_FOUND` (also a token the caller may not see); 409 ' +
      '`SIGNING_SECRET_REQUIRED`, and for auto-renewal on a dead token `TOKEN_REVOKED`, `TOKEN_EXPIRED`, ' +
      '`TOKEN_REPLACED`; 422 `TOKEN_FIELD_IMMUTABLE` (name, expiry, scopes, resources and purpose are ' +
      'fixed: revoke the token and create a new one).',
  })
  @ApiTokenIdParam()
  @ApiOkResponse({ type: TokenResponse, description: 'The token, edited.' })
  @ApiProblems(400, 403, 404, 409, 413, 415, 422)
  @Patch(':id')
  update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id', tokenId) id: string,
    @Body() body: UpdateTokenDto,
  ): Promise<TokenView> {
    return this.updateToken.execute(admin, id, body);
  }

  @ApiOperation({
    summary: 'Rotate a token',
    description:
      'A new secret and id with the same settings (auto-renewal included), lifetime and creator; the old ' +
      "secret keeps working for the grace period. Only the token's owner may rotate it. The technical " +
      'owner, if any, keeps it and is mailed (seed 004). Errors: 402 ' +
      '`UPGRADE_REQUIRED`; 403 `EMAIL_NOT_VERIFIED`, `NOT_TOKEN_OWNER`, `POLICY_ISSUANCE_ADMINS_ONLY`; ' +
      '404 `TOKEN_NOT_FOUND`; 409 `TOKEN_REVOKED`, ' +
      '`TOKEN_EXPIRED`; 422 `POLICY_EXPIRY_REQUIRED`, `POLICY_MAX_LIFETIME_EXCEEDED`, `MAX_LIFETIME_EXCEEDED`, `TOKEN_LIMIT_REACHED`; ' +
      '503 `REVOCATION_NOT_REPLICATED`.',
  })
  @ApiTokenIdParam()
  @ApiCreatedResponse({ type: ReplacedTokenResponse, description: 'The new token, with its plaintext.' })
  @ApiProblems(400, 402, 404, 409, 413, 415, 422, 503)
  @Post(':id/rotate')
  @HttpCode(201)
  @NoStore()
  rotate(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id', tokenId) id: string,
    @Body() body: RotateTokenDto,
  ): Promise<ReplacedToken> {
    return this.replaceToken.rotate(admin, id, body.oldTokenExpiresIn);
  }

  @ApiOperation({
    summary: 'Renew a token',
    description:
      "A new token under a new name with the old one's settings (auto-renewal included), lifetime and " +
      "creator; the old one ends when you say. Only the token's owner may renew it. Errors: 400 " +
      '`END_IN_PAST`; 402 `UPGRADE_REQUIRED`; 403 `EMAIL_NOT_VERIFIED`, `NOT_TOKEN_OWNER`, ' +
      '`POLICY_ISSUANCE_ADMINS_ONLY`; 404 `TOKEN_NOT_FOUND`; 409 ' +
      '`TOKEN_REVOKED`, `TOKEN_EXPIRED`; 422 `CANNOT_EXTEND_TOKEN`, `POLICY_EXPIRY_REQUIRED`, ' +
      '`POLICY_MAX_LIFETIME_EXCEEDED`, `MAX_LIFETIME_EXCEEDED`, `TOKEN_LIMIT_REACHED`; 503 `REVOCATION_NOT_REPLICATED`.',
  })
  @ApiTokenIdParam()
  @ApiCreatedResponse({ type: ReplacedTokenResponse, description: 'The new token, with its plaintext.' })
  @ApiProblems(400, 402, 404, 409, 413, 415, 422, 503)
  @Post(':id/renew')
  @HttpCode(201)
  @NoStore()
  renew(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id', tokenId) id: string,
    @Body() body: RenewTokenDto,
  ): Promise<ReplacedToken> {
    return this.replaceToken.renew(admin, id, body);
  }

  @ApiOperation({
    summary: 'Revoke a token',
    description:
      'Irreversible; once this returns, no verifier accepts the token and its pending auto-renewals are ' +
      "cancelled. Admins may revoke any token they see (unless the tenant's `adminRevocation` is " +
      '`agent_tokens_only`: then only agent tokens of other people); everyone may revoke their own. The ' +
      'TokenRevoked event and the audit log name who revoked it (`revokedBy`) beside its owner ' +
      '(`ownerId`); its technical owner, if any, is mailed (seed 004). Errors: 403 ' +
      '`POLICY_REVOCATION_AGENT_TOKENS_ONLY` (with `ownerId`); 404 ' +
      '`TOKEN_NOT_FOUND` (also a token the caller may not see); 409 `TOKEN_ALREADY_REVOKED`; 503 ' +
      '`REVOCATION_NOT_REPLICATED` (nothing was changed).',
  })
  @ApiTokenIdParam()
  @ApiOkResponse({ type: TokenResponse, description: 'The token, now revoked.' })
  @ApiProblems(403, 404, 409, 503)
  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@CurrentAdmin() admin: AdminPrincipal, @Param('id', tokenId) id: string): Promise<TokenView> {
    return this.revokeToken.execute(admin, id);
  }
}
