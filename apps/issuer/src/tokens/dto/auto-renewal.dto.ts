import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Trimmed } from './trimmed';

export const MAX_RENEWAL_EVERY_DAYS = 3650;
export const MAX_CALLBACK_URL_LENGTH = 2048;
export const MAX_MAIL_RECIPIENT_LENGTH = 254;

/**
 * Auto-renewal (seed 003): renew the token every `everyDays` days and hand the renewed token to a third
 * party through a signed callback, or, without a callback URL, tell the mail recipient, who redeems it
 * in the console. On `POST /v1/tokens`; `PATCH /v1/tokens/:id` takes the same fields, each optional.
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

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_CALLBACK_URL_LENGTH,
    description:
      'Where the signed renewal callback is POSTed: https, and not a loopback, private, link-local or ' +
      'metadata address (400 `CALLBACK_URL_REFUSED`, with a `reason`); needs a tenant signing secret ' +
      '(409 `SIGNING_SECRET_REQUIRED`). Omitted or null: no callback; the renewal still happens on ' +
      "schedule, `mailRecipient` is told, and the token's owner redeems it in the console within the " +
      'redeem window. Either `callbackUrl` or `mailRecipient` is required (422 ' +
      '`AUTO_RENEWAL_UNREACHABLE`).',
    example: 'https://hooks.example.com/latchkey/renewals',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_CALLBACK_URL_LENGTH)
  callbackUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'email',
    nullable: true,
    maxLength: MAX_MAIL_RECIPIENT_LENGTH,
    description:
      'Who is told by mail about renewals: that one is ready to redeem in the console (without a ' +
      'callback), that the token was renewed, that callbacks are failing. Omitted or null: nobody.',
    example: 'integrations@example.com',
  })
  @IsOptional()
  @Trimmed()
  @IsString()
  @MaxLength(MAX_MAIL_RECIPIENT_LENGTH)
  @IsEmail({}, { message: 'mailRecipient must be an email address' })
  mailRecipient?: string | null;
}

/**
 * `PATCH /v1/tokens/:id`'s `autoRenewal`: a merge patch of the token's settings (seed 003: the mail
 * recipient is editable on its own). An omitted field keeps its value; null clears `callbackUrl` or
 * `mailRecipient`. Switching auto-renewal on needs `everyDays`.
 */
export class AutoRenewalPatchDto extends PartialType(AutoRenewalDto) {}
