import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { RenewalOfferStatus } from '@latchkey/contracts';
import { Token } from '../tokens/token.entity';

/**
 * One scheduled renewal of a token (seed 003): opened when the renewal is due, redeemable within its
 * window with any key delivered for it, closed when redeemed, expired, or cancelled by a revocation.
 */
@Entity({ name: 'renewal_offers' })
@Check('renewal_offers_status_check', `"status" IN ('pending', 'redeemed', 'expired', 'cancelled')`)
@Index('renewal_offers_token_due_key', ['tokenId', 'dueAt'], { unique: true })
export class RenewalOffer {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'token_id' })
  tokenId!: string;

  @ManyToOne(() => Token)
  @JoinColumn({ name: 'token_id', foreignKeyConstraintName: 'renewal_offers_token_fkey' })
  token?: Token;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  /** The schedule slot this offer answers (the token's `renewal_next_at` when it was opened). */
  @Column('timestamptz', { name: 'due_at' })
  dueAt!: Date;

  @Column('varchar', { length: 16 })
  status!: RenewalOfferStatus;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'window_ends_at' })
  windowEndsAt!: Date;

  /** When the next offer is due should this one not be redeemed. */
  @Column('timestamptz', { name: 'next_renewal_at' })
  nextRenewalAt!: Date;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column('timestamptz', { name: 'redeemed_at', nullable: true })
  redeemedAt!: Date | null;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt!: Date | null;

  @Column('uuid', { name: 'new_token_id', nullable: true })
  newTokenId!: string | null;
}
