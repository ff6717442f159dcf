import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** The most token ids one bulk revoke may name. */
export const MAX_BULK_REVOKE_IDS = 100;
/** The most tokens one bulk revoke by creator may end (more: revoke by ids, in batches). */
export const MAX_BULK_REVOKE_BY_CREATOR = 1000;

export const BULK_REVOKE_OUTCOMES = ['revoked', 'already_revoked', 'not_found', 'forbidden'] as const;
export type BulkRevokeOutcome = (typeof BULK_REVOKE_OUTCOMES)[number];

/**
 * `POST /v1/tokens/bulk-revoke`: either the tokens chosen (`ids`), or every live token one person created
 * (`createdBy`, offboarding) with the count the caller was shown (`expectedCount`): the console's one
 * confirmation, which fails (409) rather than revoke more or fewer than the person confirmed.
 */
export class BulkRevokeDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_BULK_REVOKE_IDS,
    description: `The tokens to revoke (1 to ${MAX_BULK_REVOKE_IDS}; a repeated id counts once).`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_REVOKE_IDS)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 255,
    description:
      'Revoke every live (active, unexpired) token this person created that the caller may see; needs ' +
      '`expectedCount`.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  createdBy?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_BULK_REVOKE_BY_CREATOR,
    description:
      "With `createdBy`: how many tokens the caller was shown and confirmed; if the person's live tokens " +
      'number differently now, nothing is revoked (409 `BULK_REVOKE_COUNT_MISMATCH`, with `count`).',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_BULK_REVOKE_BY_CREATOR)
  expectedCount?: number;
}

export class BulkRevokeResultResponse {
  @ApiProperty({ format: 'uuid' })
  tokenId!: string;

  @ApiProperty({
    enum: BULK_REVOKE_OUTCOMES,
    description:
      '`revoked` now; `already_revoked` before this request (by anyone); `not_found`: unknown, another ' +
      "tenant's, or not visible to the caller; `forbidden`: the tenant's `adminRevocation` policy keeps it " +
      "its owner's to revoke.",
  })
  outcome!: BulkRevokeOutcome;

  @ApiPropertyOptional({
    description: 'For `forbidden`, `already_revoked` and `not_found`: the code a single revoke would answer.',
    example: 'POLICY_REVOCATION_AGENT_TOKENS_ONLY',
  })
  code?: string;
}

export class BulkRevokeResponse {
  @ApiProperty({ type: [BulkRevokeResultResponse], description: 'One outcome per distinct token.' })
  results!: BulkRevokeResultResponse[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many tokens this request revoked.' })
  revoked!: number;
}
