import type { VerifyRequest } from '@latchkey/contracts';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class VerifyTokenDto implements VerifyRequest {
  /** Any string: a malformed token is a MALFORMED verdict, not a bad request. */
  @IsString()
  token!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  requiredScopes?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(128)
  resource?: string;

  /** The caller enforces the returned `resources` itself (a restricted token without `resource` is OK). */
  @IsOptional()
  @IsBoolean()
  callerEnforcesResources?: boolean;
}
