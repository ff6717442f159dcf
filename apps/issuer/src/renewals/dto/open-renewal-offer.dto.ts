import { IsISO8601, Matches } from 'class-validator';
import type { OpenRenewalOfferRequest } from '@latchkey/contracts';

/** `POST /internal/v1/tokens/:id/renewal-offers`: the due time the worker was scheduled for. */
export class OpenRenewalOfferDto implements OpenRenewalOfferRequest {
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 date-time' })
  @Matches(/(?:Z|[+-]\d{2}:\d{2})$/i, { message: 'dueAt must carry a time zone offset (Z or ±hh:mm)' })
  dueAt!: string;
}
