import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import type { TechnicalOwner } from '../technical-owner';
import { Trimmed } from './trimmed';

export const MAX_TECHNICAL_OWNER_EMAIL_LENGTH = 254;
export const MAX_TECHNICAL_OWNER_NAME_LENGTH = 128;

/**
 * The technical owner of a token (seed 004), on `POST /v1/tokens` and `PATCH /v1/tokens/:id`: whom to
 * tell before rotating or revoking it. Latchkey mails them when the token is rotated or revoked.
 */
export class TechnicalOwnerDto {
  @ApiProperty({
    format: 'email',
    maxLength: MAX_TECHNICAL_OWNER_EMAIL_LENGTH,
    description: 'Their email address (trimmed), mailed when the token is rotated or revoked.',
    example: 'platform-team@example.com',
  })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TECHNICAL_OWNER_EMAIL_LENGTH)
  @IsEmail({}, { message: 'technicalOwner.email must be an email address' })
  email!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_TECHNICAL_OWNER_NAME_LENGTH,
    description: 'A person or team name, shown beside the address (trimmed); omitted, null or blank: none.',
    example: 'Platform team',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Trimmed()
  @IsString()
  @MaxLength(MAX_TECHNICAL_OWNER_NAME_LENGTH)
  name?: string | null;
}

/** A token's technical owner as the API shows it (`TokenResponse.technicalOwner`). */
export class TechnicalOwnerResponse implements TechnicalOwner {
  @ApiProperty({ format: 'email', example: 'platform-team@example.com' })
  email!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Platform team' })
  name!: string | null;
}
