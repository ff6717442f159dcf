import { ApiProperty } from '@nestjs/swagger';
import { CALLBACK_OUTCOMES, type CallbackOutcome, type RenewalOfferStatus } from '@latchkey/contracts';
import type { RenewalAttemptView, RenewalHistory, RenewalView } from '../renewal-view';

/* The renewals listing, for the OpenAPI document; `implements` keeps it in step with renewal-view.ts. */

const OFFER_STATUSES = Object.keys({
  pending: true,
  redeemed: true,
  expired: true,
  cancelled: true,
} satisfies Record<RenewalOfferStatus, true>);

export class RenewalAttemptResponse implements RenewalAttemptView {
  @ApiProperty({ format: 'uuid', description: 'Also the callback’s `deliveryId`.' })
  id!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: '1 for the first attempt of the offer.',
    example: 1,
  })
  number!: number;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null while the attempt is under way (or if it was interrupted).',
  })
  finishedAt!: string | null;

  @ApiProperty({ enum: CALLBACK_OUTCOMES, nullable: true, example: 'delivered' })
  outcome!: CallbackOutcome | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The receiver’s HTTP status; null when none came back.',
    example: 200,
  })
  statusCode!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, example: 84 })
  durationMs!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What went wrong: a timeout, a refused connection, an HTTP error, a blocked address…',
    example: null,
  })
  error!: string | null;
}

export class RenewalResponse implements RenewalView {
  @ApiProperty({ format: 'uuid', description: 'The renewal offer; also the callback’s `offerId`.' })
  id!: string;

  @ApiProperty({
    enum: OFFER_STATUSES,
    description:
      '`pending` until redeemed within its window; `expired` once the window has ended unredeemed; ' +
      '`cancelled` when the token was revoked or replaced first.',
    example: 'redeemed',
  })
  status!: RenewalOfferStatus;

  @ApiProperty({ format: 'date-time', description: 'When the renewal was due.' })
  dueAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'Its keys can be redeemed until then (2 hours).' })
  windowEndsAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a callback first reached the receiver (2xx).',
  })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  redeemedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The renewed token, once redeemed.',
  })
  newTokenId!: string | null;

  @ApiProperty({
    type: [RenewalAttemptResponse],
    description: 'Every callback delivery attempt, in the order made.',
  })
  attempts!: RenewalAttemptResponse[];
}

export class RenewalHistoryResponse implements RenewalHistory {
  @ApiProperty({ type: [RenewalResponse], description: 'Newest offer first.' })
  items!: RenewalResponse[];
}
