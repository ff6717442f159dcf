import { IsInt, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import type { ExpiryNoticeRequest } from '@latchkey/contracts';

/** `POST /internal/v1/tokens/:id/expiry-notices`: which expiry and which reminder day. */
export class ExpiryNoticeDto implements ExpiryNoticeRequest {
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  @Matches(/(?:Z|[+-]\d{2}:\d{2})$/i, { message: 'expiresAt must carry a time zone offset (Z or ±hh:mm)' })
  expiresAt!: string;

  @IsInt()
  @Min(0)
  @Max(3650)
  daysBefore!: number;
}

/** `GET /internal/v1/tenants/:tenantId/expiring-tokens`: the page after this token id. */
export class ExpiringTokensQuery {
  @IsOptional()
  @IsUUID('all')
  after?: string;
}
