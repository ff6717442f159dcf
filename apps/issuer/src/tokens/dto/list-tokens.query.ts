import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TOKEN_PURPOSES, type TokenPurpose } from '../token.entity';
import type { TokenStatus } from '../token-view';
import { Trimmed } from './trimmed';
import { MAX_PAGE } from '../../database/pagination';

export const TOKEN_SORT_FIELDS = ['createdAt', 'name'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
export const TOKEN_STATUSES: readonly TokenStatus[] = ['active', 'revoked', 'expired', 'owner_inactive'];
export const DEFAULT_PAGE_SIZE = 15;
export const MAX_PAGE_SIZE = 100;

/** `GET /v1/tokens` query: 15 per page (seed 000), newest first (seed 001), name filter, sorting. */
export class ListTokensQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ enum: TOKEN_SORT_FIELDS, default: 'createdAt' })
  @IsOptional()
  @IsIn(TOKEN_SORT_FIELDS)
  sort: (typeof TOKEN_SORT_FIELDS)[number] = 'createdAt';

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order: (typeof SORT_ORDERS)[number] = 'desc';

  /** Case-insensitive substring of the token name. */
  @ApiPropertyOptional({
    maxLength: 128,
    description: 'Case-insensitive substring of the token name; trimmed.',
    example: 'prod',
  })
  @IsOptional()
  @Trimmed()
  @IsString()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({
    enum: TOKEN_STATUSES,
    description:
      'As `status` in the list: `revoked`; `expired`: not revoked, expiry passed; `owner_inactive`: neither, ' +
      'but its owner (`createdBy`) is no longer an active member of the tenant; `active`: none of these.',
  })
  @IsOptional()
  @IsIn(TOKEN_STATUSES)
  status?: TokenStatus;

  @ApiPropertyOptional({ enum: TOKEN_PURPOSES })
  @IsOptional()
  @IsIn(TOKEN_PURPOSES)
  purpose?: TokenPurpose;
}
