import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * One expiry notice given: the token expiring at `expiresAt` was announced (TokenExpiring) `daysBefore`
 * days before its expiry day. The primary key makes each notice happen once, whoever asks how often.
 */
@Entity({ name: 'token_expiry_notices' })
export class TokenExpiryNotice {
  @PrimaryColumn('uuid', { name: 'token_id' })
  tokenId!: string;

  @PrimaryColumn('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @PrimaryColumn('integer', { name: 'days_before' })
  daysBefore!: number;

  // By name, not by class: the tokens feature must not depend on this one.
  @ManyToOne('Token', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'token_id', foreignKeyConstraintName: 'token_expiry_notices_token_fkey' })
  token?: object;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('timestamptz', { name: 'noticed_at' })
  noticedAt!: Date;
}
