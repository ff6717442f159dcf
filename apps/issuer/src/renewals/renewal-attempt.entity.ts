import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { CallbackOutcome } from '@latchkey/contracts';
import { RenewalOffer } from './renewal-offer.entity';

/**
 * One callback delivery attempt of an offer. Each attempt carries its own redeem key, stored here as its
 * SHA-256 only; any key of a pending offer redeems it, within the offer's window.
 */
@Entity({ name: 'renewal_attempts' })
@Check('renewal_attempts_outcome_check', `"outcome" IN ('delivered', 'failed', 'blocked')`)
@Index('renewal_attempts_offer_number_key', ['offerId', 'number'], { unique: true })
export class RenewalAttempt {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'offer_id' })
  offerId!: string;

  @ManyToOne(() => RenewalOffer)
  @JoinColumn({ name: 'offer_id', foreignKeyConstraintName: 'renewal_attempts_offer_fkey' })
  offer?: RenewalOffer;

  /** 1 for the first attempt of the offer, then 2, 3… */
  @Column('integer')
  number!: number;

  @Index('renewal_attempts_key_hash_key', { unique: true })
  @Column('char', { name: 'key_hash', length: 64 })
  keyHash!: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  /** Null until the worker reports back (or if it crashed mid-attempt). */
  @Column('varchar', { length: 16, nullable: true })
  outcome!: CallbackOutcome | null;

  @Column('integer', { name: 'status_code', nullable: true })
  statusCode!: number | null;

  @Column('integer', { name: 'duration_ms', nullable: true })
  durationMs!: number | null;

  @Column('text', { nullable: true })
  error!: string | null;
}
