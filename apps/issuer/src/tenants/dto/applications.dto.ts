import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TOKEN_RIGHTS, type TokenRights } from '@latchkey/contracts';
import { DEFAULT_RIGHTS_DESCRIPTION } from './update-tenant-policy.dto';

/** The shape of a token's resource id (as in `POST /v1/tokens`), so every catalog entry can be chosen. */
export const APPLICATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:_.\/-]{0,127}$/;
export const MAX_APPLICATIONS = 200;

export class ApplicationDto {
  @ApiProperty({
    pattern: APPLICATION_ID_PATTERN.source,
    maxLength: 128,
    description: "The id a token's `resources` name and the verifiers compare with the caller's resource.",
    example: 'proj_42',
  })
  @IsString()
  @Matches(APPLICATION_ID_PATTERN, { message: 'id must be a resource id of up to 128 characters' })
  id!: string;

  @ApiProperty({
    minLength: 1,
    maxLength: 128,
    description: 'What people see in the console; trimmed, not blank.',
    example: 'Billing portal',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;
}

/** `PUT /v1/tenant/applications`: the whole catalog, in the order the drop-down shows it. */
export class ReplaceApplicationsDto {
  @ApiProperty({
    type: [ApplicationDto],
    maxItems: MAX_APPLICATIONS,
    description:
      'Every application/project of the tenant (replaces the catalog); ids unique. An empty list clears the ' +
      "catalog: tokens' `resources` are then free-form ids again.",
  })
  @IsArray()
  @ArrayMaxSize(MAX_APPLICATIONS)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ApplicationDto)
  @ArrayUnique((entry: ApplicationDto) => entry?.id, { message: 'application ids must be unique' })
  applications!: ApplicationDto[];
}

/** `GET /v1/tenant/applications`: what the create dialog needs, for every role. */
export class ApplicationsResponse {
  @ApiProperty({
    type: [ApplicationDto],
    description:
      "The tenant's applications/projects, in order. When not empty, a new token's `resources` must be " +
      'ids from it (422 `UNKNOWN_RESOURCE`); when empty, any resource id is accepted.',
  })
  applications!: ApplicationDto[];

  @ApiProperty({ enum: TOKEN_RIGHTS, description: DEFAULT_RIGHTS_DESCRIPTION, example: 'read' })
  defaultRights!: TokenRights;
}
