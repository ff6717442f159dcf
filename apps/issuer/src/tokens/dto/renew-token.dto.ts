import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Trimmed } from './trimmed';

/** The renew dialog of seed 003: the new token's name and description, and when the old one ends. */
export class RenewTokenDto {
  @ApiProperty({
    description: "The new token's name; trimmed, and it must not be blank.",
    minLength: 1,
    maxLength: 128,
    example: 'prod-main-app-2027',
  })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;

  @ApiPropertyOptional({ description: "The new token's description; trimmed.", maxLength: 1024 })
  @IsOptional()
  @Trimmed()
  @IsString()
  @MaxLength(1024)
  description?: string;

  /** ISO 8601; not in the past, and not after the old token's own expiry. */
  @ApiProperty({
    type: String,
    format: 'date-time',
    description:
      'When the old token stops working: not in the past (400 `END_IN_PAST`), and not after its own ' +
      'expiry (422 `CANNOT_EXTEND_TOKEN`).',
    example: '2027-01-31T12:00:00Z',
  })
  @Type(() => Date)
  @IsDate({ message: 'oldTokenEndsAt must be an ISO 8601 date-time' })
  oldTokenEndsAt!: Date;
}
