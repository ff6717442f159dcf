import { ApiProperty } from '@nestjs/swagger';
import { CallerUsageResponse, VerdictTotalsResponse } from './usage.response';

export class DailyVerificationsResponse {
  @ApiProperty({ format: 'date-time', description: 'Start of the UTC day.' })
  day!: string;

  @ApiProperty()
  ok!: number;

  @ApiProperty()
  refused!: number;
}

export class SuccessorResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['active', 'revoked', 'expired'] })
  status!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: string | null;

  @ApiProperty({ description: 'Whether the successor has been used at all: the replacement is in place.' })
  inUse!: boolean;
}

export class PendingRenewalOfferResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({ format: 'date-time' })
  windowEndsAt!: string;
}

export class TokenImpactResponse {
  @ApiProperty({ format: 'uuid' })
  tokenId!: string;

  @ApiProperty({ enum: ['active', 'revoked', 'expired'] })
  status!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Last successful verification.',
  })
  lastUsedAt!: string | null;

  @ApiProperty({
    type: [DailyVerificationsResponse],
    description: 'The last 30 UTC days, today last, zeros included.',
  })
  verificationsPerDay!: DailyVerificationsResponse[];

  @ApiProperty({ type: VerdictTotalsResponse })
  last30Days!: VerdictTotalsResponse;

  @ApiProperty({
    type: [CallerUsageResponse],
    description: 'Callers seen in the 30 days, most verdicts first.',
  })
  callers!: CallerUsageResponse[];

  @ApiProperty({
    type: SuccessorResponse,
    nullable: true,
    description: 'The token that replaced this one (rotation, renewal, auto-renewal), if any.',
  })
  successor!: SuccessorResponse | null;

  @ApiProperty({
    type: [PendingRenewalOfferResponse],
    description: 'Renewal offers still open: revoking cancels them and their redeem keys stop working.',
  })
  pendingRenewalOffers!: PendingRenewalOfferResponse[];

  @ApiProperty({ description: 'Whether the token auto-renews: revoking stops it.' })
  autoRenewal!: boolean;

  @ApiProperty({
    enum: ['USED_RECENTLY', 'SUCCESSOR_NOT_IN_USE', 'CANCELS_RENEWAL_OFFERS', 'STOPS_AUTO_RENEWAL'],
    isArray: true,
    description:
      'What revoking a live token would break: `USED_RECENTLY` (a successful verification in the last 24 ' +
      'hours), `SUCCESSOR_NOT_IN_USE` (its replacement has never been used), `CANCELS_RENEWAL_OFFERS`, ' +
      '`STOPS_AUTO_RENEWAL`. Empty for a token already revoked or expired.',
  })
  warnings!: string[];
}
