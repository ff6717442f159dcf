import { ApiProperty } from '@nestjs/swagger';
import { TOKEN_RIGHTS, type TokenRights } from '@latchkey/contracts';
import { TOKEN_PURPOSES, type TokenPurpose } from '../token.entity';
import type { AgeWarning, TokenAutoRenewalView, TokenStatus, TokenView } from '../token-view';
import type { ReplacedToken } from '../replace-token';
import type { CreatedToken } from '../token-issuance';
import { TechnicalOwnerResponse } from './technical-owner.dto';
import { TokenWarningResponse } from './token-warning.response';
import { TokenCreatorResponse, TokenIssuerResponse } from './token-people.response';
import type { TokenPage } from '../token-queries';
import { TOKEN_STATUSES } from './list-tokens.query';

/*
 * The response shapes of the tokens API, for the OpenAPI document only: the service returns the plain
 * objects of token-view.ts and tokens.service.ts, and `implements` keeps these classes in step with them.
 */

/** Every age warning, spelled out so that the compiler notices a new one. */
const AGE_WARNINGS = Object.keys({
  none: true,
  older_than_6_months: true,
  older_than_1_year: true,
  expired: true,
} satisfies Record<AgeWarning, true>);

/** A fake token: obviously not one, and not shaped like one either (the real ones are 52 characters). */
const EXAMPLE_TOKEN = 'lk_EXAMPLE_not_a_real_token';

export class TokenAutoRenewalResponse implements TokenAutoRenewalView {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Renewed every this many days.', example: 30 })
  everyDays!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Where the signed renewal callback is POSTed; null: no callback, the mail recipient is told and ' +
      'the owner redeems the renewal in the console.',
    example: 'https://hooks.example.com/latchkey/renewals',
  })
  callbackUrl!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Who is told by mail that the token was renewed.',
    example: 'integrations@example.com',
  })
  mailRecipient!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next renewal is due; null once the token was replaced or revoked.',
    example: '2026-12-23T14:00:00.000Z',
  })
  nextRenewalAt!: string | null;
}

export class TokenResponse implements TokenView {
  @ApiProperty({ format: 'uuid', example: '0f4b6c1e-2d3a-4b5c-8d9e-0a1b2c3d4e5f' })
  id!: string;

  @ApiProperty({ example: 'prod-main-app' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Main app, EU region' })
  description!: string | null;

  @ApiProperty({
    description: 'The first 8 characters of the token, to recognise it; not a secret.',
    example: 'lk_EXAMP',
  })
  keyPrefix!: string;

  @ApiProperty({ type: TokenCreatorResponse, description: 'The owner the token acts for (seeds 000, 001).' })
  createdBy!: TokenCreatorResponse;

  @ApiProperty({ type: TokenIssuerResponse, description: 'Who issued this token (seed 000: "Created by").' })
  issuedBy!: TokenIssuerResponse;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T14:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Whole days (24 hours each) since `createdAt`, at the time of the response (seed 003).',
    example: 10,
  })
  ageDays!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Reported by the verifiers at most once a minute per token.',
    example: null,
  })
  lastUsedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null: never expires.',
    example: '2027-02-21T14:00:00.000Z',
  })
  expiresAt!: string | null;

  @ApiProperty({
    enum: TOKEN_STATUSES,
    description:
      '`revoked`; else `expired` once `expiresAt` has passed; else `owner_inactive` when its owner ' +
      '(`createdBy`) is no longer an active member of the tenant (the verifiers refuse it with ' +
      '`OWNER_INACTIVE`); else `active`.',
    example: 'active',
  })
  status!: TokenStatus;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Successful verifications.', example: 0 })
  usageCount!: number;

  @ApiProperty({
    type: [String],
    description: 'Catalog scopes, or `*`: everything its owner can do.',
    example: ['*'],
  })
  scopes!: string[];

  @ApiProperty({
    enum: TOKEN_RIGHTS,
    nullable: true,
    description:
      'The rights preset the token was created with (`read` or `read_write`, seed 003), which `scopes` ' +
      'spells out; null when it was created with custom scopes (or before presets existed).',
    example: 'read',
  })
  rights!: TokenRights | null;

  @ApiProperty({ type: [String], description: 'Resource ids it is restricted to; empty: none.', example: [] })
  resources!: string[];

  @ApiProperty({ enum: TOKEN_PURPOSES, example: 'integration' })
  purpose!: TokenPurpose;

  @ApiProperty({
    type: TokenAutoRenewalResponse,
    nullable: true,
    description: 'Scheduled renewal with a signed callback; null while it is off.',
  })
  autoRenewal!: TokenAutoRenewalResponse | null;

  @ApiProperty({
    enum: AGE_WARNINGS,
    description:
      'For the list view (seed 003): `expired` once `expiresAt` has passed; else older than 6 or 12 ' +
      'calendar months (`older_than_6_months`, `older_than_1_year`); revoked tokens: `none`.',
    example: 'none',
  })
  ageWarning!: AgeWarning;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The token this one replaced by rotation or renewal; null: none.',
    example: null,
  })
  replacesTokenId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The successor that replaced this token by rotation or renewal; null: none yet.',
    example: null,
  })
  replacedByTokenId!: string | null;

  @ApiProperty({
    type: TechnicalOwnerResponse,
    nullable: true,
    description:
      'The technical owner (seed 004): whom to tell before rotating or revoking the token; mailed when it ' +
      'is rotated or revoked. null: nobody named.',
  })
  technicalOwner!: TechnicalOwnerResponse | null;
}

export class TokenPageResponse implements TokenPage {
  @ApiProperty({ type: [TokenResponse] })
  items!: TokenResponse[];

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  page!: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 15 })
  pageSize!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Matching tokens on all pages.', example: 1 })
  total!: number;
}

export class CreatedTokenResponse extends TokenResponse implements CreatedToken {
  @ApiProperty({
    description: 'The plaintext token: shown in this response only, never again. Store it now.',
    example: EXAMPLE_TOKEN,
  })
  token!: string;

  @ApiProperty({
    type: [TokenWarningResponse],
    description:
      'Advice about the request, which was carried out anyway (seed 004): the name looks like it holds ' +
      'personal data. Empty for most requests.',
  })
  warnings!: TokenWarningResponse[];
}

export class ReplacedTokenResponse extends CreatedTokenResponse implements ReplacedToken {
  @ApiProperty({ type: TokenResponse, description: 'The old token, with its new end (`expiresAt`).' })
  replaced!: TokenResponse;
}
