import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Trimmed } from './trimmed';

export const MAX_RENEWAL_EVERY_DAYS = 3650;
export const MAX_CALLBACK_URL_LENGTH = 2048;
export const MAX_MAIL_RECIPIENT_LENGTH = 254;

/**
 * Auto-renewal (seed 003): renew the token every `everyDays` days and hand the renewed token to a third
 * party through a signed callback, on `POST /v1/tokens` and `PATCH /v1/tokens/:id`.
 */
export class AutoRenewalDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_RENEWAL_EVERY_DAYS,
    description: 'Renew the token every this many days.',
    example: 30,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_RENEWAL_EVERY_DAYS)
  everyDays!: number;

  @ApiProperty({
    maxLength: MAX_CALLBACK_URL_LENGTH,
    description:
      'Where the signed renewal callback is POSTed: https, and not a loopback, private, link-local or ' +
      'metadata address (400 `CALLBACK_URL_REFUSED`, with a `reason`).',
    example: 'https://hooks.example.com/latchkey/renewals',
  })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_CALLBACK_URL_LENGTH)
  callbackUrl!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'email',
    nullable: true,
    maxLength: MAX_MAIL_RECIPIENT_LENGTH,
    description: 'Who is told by mail that the token was renewed; omitted or null: nobody.',
    example: 'integrations@example.com',
  })
  @IsOptional()
  @Trimmed()
  @IsString()
  @MaxLength(MAX_MAIL_RECIPIENT_LENGTH)
  @IsEmail({}, { message: 'mailRecipient must be an email address' })
  mailRecipient?: string | null;
}
