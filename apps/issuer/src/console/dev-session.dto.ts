import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../auth/admin-principal';

const IDENTIFIER = /^[A-Za-z0-9._@-]+$/;

/** `POST /console/dev-session`: who to sign in as, in development only. */
export class DevSessionDto {
  @ApiProperty({ example: 'acme', maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(IDENTIFIER, { message: 'tenantId may hold letters, digits and . _ @ - only' })
  tenantId!: string;

  @ApiProperty({ example: 'alice', maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(IDENTIFIER, { message: 'userId may hold letters, digits and . _ @ - only' })
  userId!: string;

  @ApiProperty({ enum: ROLES, example: 'admin' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ example: 'alice@acme.test', description: 'Defaults to <userId>@<tenantId>.test.' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

export class DevSessionResponse {
  @ApiProperty({ description: 'An admin JWT signed with the development secret.' })
  accessToken!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
