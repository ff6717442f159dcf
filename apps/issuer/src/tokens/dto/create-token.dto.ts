import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsDate,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TOKEN_RIGHTS, type TokenRights } from '@latchkey/contracts';
import { TOKEN_PURPOSES, type TokenPurpose } from '../token.entity';
import { EXPIRY_CHOICES, type ExpiryChoice } from '../expiry';
import { AutoRenewalDto } from './auto-renewal.dto';
import { OptionalNotNull } from './optional-not-null';
import { TechnicalOwnerDto } from './technical-owner.dto';
import { Trimmed } from './trimmed';

/** A catalog scope (`<resource>:read|write`) or `*`. */
const SCOPE_PATTERN = /^(\*|[a-z][a-z0-9_-]*:(read|write))$/;
/** A resource id of up to 128 characters. */
const RESOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:_.\/-]{0,127}$/;

export class CreateTokenDto {
  /** A label for humans, e.g. "prod-main-app". */
  @ApiProperty({
    description: 'A label for humans; surrounding white space is trimmed, and it must not be blank.',
    minLength: 1,
    maxLength: 128,
    example: 'prod-main-app',
  })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;

  /** What the token is for, for the people who will find it later (seed 003). */
  @ApiPropertyOptional({
    description: 'What the token is for, for the people who will find it later; trimmed.',
    maxLength: 1024,
    example: 'Main app, EU region',
  })
  @IsOptional()
  @Trimmed()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({
    enum: EXPIRY_CHOICES,
    description:
      'Expiry relative to now. Give this or `expiresAt`, not both (400 `EXPIRY_CONFLICT`). With neither, ' +
      'the token never expires, except `agent` tokens (`AGENT_TOKEN_DEFAULT_EXPIRY_DAYS`, 90 by default).',
    example: '90d',
  })
  @OptionalNotNull()
  @IsIn(EXPIRY_CHOICES)
  expiresIn?: ExpiryChoice;

  /** ISO 8601, in the future. */
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description:
      'An absolute expiry, in the future (400 `EXPIRY_IN_PAST`) and at most `MAX_TOKEN_LIFETIME_DAYS` ' +
      '(3650 by default) away (422 `MAX_LIFETIME_EXCEEDED`). Give this or `expiresIn`, not both.',
    example: '2027-01-31T00:00:00Z',
  })
  @OptionalNotNull()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date;

  /**
   * What the token may do: catalog scopes (`projects:read`, …) or `*`, everything its owner can do.
   * Omitted: `*` (the token inherits its creator's permissions, seeds 000/001).
   */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: SCOPE_PATTERN.source },
    maxItems: 50,
    uniqueItems: true,
    description:
      'What the token may do: catalog scopes (`<resource>:read|write`) or `*`, everything its owner can do. ' +
      "Give this or `rights`, not both (400 `RIGHTS_SCOPES_CONFLICT`); with neither, the tenant's default " +
      'rights preset applies (`GET /v1/tenant/applications`). An unknown scope is 400 `UNKNOWN_SCOPE`; one ' +
      'beyond your role, 403 `SCOPE_NOT_GRANTED`.',
    example: ['projects:read'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SCOPE_PATTERN, {
    each: true,
    message: 'each scope must be * or <resource>:read|write',
  })
  scopes?: string[];

  /** A rights preset (seed 003: "read & write or only read") instead of scopes. */
  @ApiPropertyOptional({
    enum: TOKEN_RIGHTS,
    description:
      'A rights preset instead of `scopes` (seed 003): `read`, every `:read` scope of the scope catalog, or ' +
      '`read_write`, the whole catalog. Give this or `scopes`, not both (400 `RIGHTS_SCOPES_CONFLICT`). ' +
      "With neither, the tenant's `defaultRights` applies (`read` unless its owners chose otherwise; a " +
      'member always gets `read` that way). `read_write` asked by a member is 403 `SCOPE_NOT_GRANTED`. The ' +
      'token shows the preset it was created with as `rights` (null for custom scopes).',
    example: 'read',
  })
  @OptionalNotNull()
  @IsIn(TOKEN_RIGHTS)
  rights?: TokenRights;

  /** Restricts the token to these resource ids (e.g. project ids); omitted or empty: no restriction. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: RESOURCE_PATTERN.source },
    maxItems: 100,
    uniqueItems: true,
    description:
      'Restricts the token to these resource ids (e.g. project ids); omitted or empty: no restriction. When ' +
      'the tenant keeps an applications catalog (`GET /v1/tenant/applications`), each id must be in it (422 ' +
      '`UNKNOWN_RESOURCE`); with an empty catalog any id is accepted.',
    example: ['proj_42'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(RESOURCE_PATTERN, {
    each: true,
    message: 'each resource must be an id of up to 128 characters',
  })
  resources?: string[];

  /** `agent` tokens (AI agent connections) default to a 90-day expiry (seed 002). */
  @ApiPropertyOptional({
    enum: TOKEN_PURPOSES,
    default: 'integration',
    description: '`agent` tokens (AI agent connections) default to a 90-day expiry.',
  })
  @IsOptional()
  @IsIn(TOKEN_PURPOSES)
  purpose?: TokenPurpose;

  /** Renew the token on a schedule and hand the renewed token to a callback (seed 003). */
  @ApiPropertyOptional({
    type: AutoRenewalDto,
    nullable: true,
    description:
      'Renew the token every `everyDays` days and hand the renewed token to `callbackUrl` through a signed ' +
      'callback. Needs a signing secret (409 `SIGNING_SECRET_REQUIRED`: create one at ' +
      '`POST /v1/tenant/signing-secrets`). Omitted or null: no auto-renewal.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AutoRenewalDto)
  autoRenewal?: AutoRenewalDto | null;

  /** Whom to tell before rotating or revoking the token (seed 004). */
  @ApiPropertyOptional({
    type: TechnicalOwnerDto,
    nullable: true,
    description:
      'The technical owner (seed 004): the person or team using the token, mailed when it is rotated or ' +
      'revoked. Omitted or null: none. Rotated tokens keep it.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TechnicalOwnerDto)
  technicalOwner?: TechnicalOwnerDto | null;
}
