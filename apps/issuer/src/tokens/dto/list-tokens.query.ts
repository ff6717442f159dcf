import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TOKEN_PURPOSES, type TokenPurpose } from '../token.entity';
import type { TokenStatus } from '../token-view';
import { Trimmed } from './trimmed';
import { MAX_PAGE } from '../../database/pagination';

export const TOKEN_SORT_FIELDS = ['createdAt', 'name', 'lastUsedAt'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
export const TOKEN_STATUSES: readonly TokenStatus[] = ['active', 'revoked', 'expired', 'owner_inactive'];
export const DEFAULT_PAGE_SIZE = 15;
export const MAX_PAGE_SIZE = 100;
/** The longest idle period `unusedForDays` accepts: ten years. */
export const MAX_UNUSED_FOR_DAYS = 3650;

/**
 * `GET /v1/tokens` query: 15 per page (seed 000), newest first (seed 001), filters (name, status, purpose,
 * creator, idle time) and sorting (seed 000: "identify stale or unused tokens").
 */
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

  @ApiPropertyOptional({
    enum: TOKEN_SORT_FIELDS,
    default: 'createdAt',
    description:
      '`lastUsedAt` sorts by the last verified use; never-used tokens count as the least recently used: ' +
      'first with `order=asc` (stalest first), last with `order=desc`. Ties are broken by id.',
  })
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

  /** Stale tokens (seeds 000, 004): no verified use within the last N days, and older than N days. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_UNUSED_FOR_DAYS,
    description:
      'Tokens with no verified use in the last N days: last used more than N×24 hours ago, or never used ' +
      'and created more than N×24 hours ago (a token younger than N days is not stale yet). Uses are ' +
      'recorded from the verifiers about once a minute.',
    example: 90,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_UNUSED_FOR_DAYS)
  unusedForDays?: number;

  /** Offboarding: the tokens one person created (their user id), within what the caller may see. */
  @ApiPropertyOptional({
    maxLength: 255,
    description:
      "Tokens this person created (their user id, as `createdBy.id`), e.g. to offboard them; under the tenant's " +
      '`own_tokens_only` policy or for a member, another person yields an empty list.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  createdBy?: string;
}
