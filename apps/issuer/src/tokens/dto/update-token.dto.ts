import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { Trimmed } from './trimmed';

/**
 * `PATCH /v1/tokens/:id`: only the description is editable here (seed 003). The fields fixed at
 * creation are listed so that a request naming them gets a clear answer ("revoke and create a new
 * token", seed 000) instead of a generic unknown-field error.
 */
export class UpdateTokenDto {
  /** A new description; null clears it. */
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 1024,
    description:
      'A new description (trimmed); null clears it. The only editable field: naming `name`, `expiresIn`, ' +
      '`expiresAt`, `scopes`, `resources` or `purpose` is 422 `TOKEN_FIELD_IMMUTABLE`.',
    example: 'Main app, EU region',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Trimmed()
  @IsString()
  @MaxLength(1024)
  description?: string | null;

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
