import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AutoRenewalPatchDto } from './auto-renewal.dto';
import { TechnicalOwnerDto } from './technical-owner.dto';
import { Trimmed } from './trimmed';

/**
 * `PATCH /v1/tokens/:id`: the description and auto-renewal (with its mail recipient) are editable
 * (seed 003). The fields fixed at creation are listed so that a request naming them gets a clear answer
 * ("revoke and create a new token", seed 000) instead of a generic unknown-field error.
 */
export class UpdateTokenDto {
  /** A new description; null clears it. */
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 1024,
    description:
      'A new description (trimmed); null clears it. Only the description, `autoRenewal` and ' +
      '`technicalOwner` are editable: ' +
      'naming `name`, `expiresIn`, `expiresAt`, `scopes`, `resources` or `purpose` is 422 ' +
      '`TOKEN_FIELD_IMMUTABLE`.',
    example: 'Main app, EU region',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Trimmed()
  @IsString()
  @MaxLength(1024)
  description?: string | null;

  /** Changes to the auto-renewal settings (a merge); null switches auto-renewal off. */
  @ApiPropertyOptional({
    type: AutoRenewalPatchDto,
    nullable: true,
    description:
      'Changes to the auto-renewal settings, merged into the current ones: an omitted field keeps its ' +
      'value, null clears `callbackUrl` or `mailRecipient`, so `{ "mailRecipient": "…" }` changes the ' +
      'recipient alone. `autoRenewal: null` switches auto-renewal off; switching it on needs ' +
      '`everyDays` (422 `AUTO_RENEWAL_INCOMPLETE`). The result needs a callback URL or a mail ' +
      'recipient (422 `AUTO_RENEWAL_UNREACHABLE`); a callback URL needs a signing secret (409 ' +
      '`SIGNING_SECRET_REQUIRED`). The next renewal is rescheduled when auto-renewal is switched on or ' +
      '`everyDays` changes. A revoked, expired or replaced token cannot get it (409).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AutoRenewalPatchDto)
  autoRenewal?: AutoRenewalPatchDto | null;

  /** Whom to tell before rotating or revoking the token (seed 004). */
  @ApiPropertyOptional({
    type: TechnicalOwnerDto,
    nullable: true,
    description:
      'The technical owner (seed 004): the person or team using the token, mailed when it is rotated or ' +
      'revoked. Replaces the previous one; null removes it. Editable by whoever may edit the description.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TechnicalOwnerDto)
  technicalOwner?: TechnicalOwnerDto | null;

  @Allow() name?: unknown;
  @Allow() expiresIn?: unknown;
  @Allow() expiresAt?: unknown;
  @Allow() scopes?: unknown;
  @Allow() resources?: unknown;
  @Allow() purpose?: unknown;
}

export const IMMUTABLE_TOKEN_FIELDS = [
  'name',
  'expiresIn',
  'expiresAt',
  'scopes',
  'resources',
  'purpose',
] as const;
