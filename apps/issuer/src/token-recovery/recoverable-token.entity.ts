import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * The encrypted plaintext of a token issued while its tenant had recoverable tokens on (seed 003:
 * "In the detail view below the token, click on Copy"). A table of its own, apart from `tokens`: the
 * verifier's database role cannot read it, and turning the policy off deletes the tenant's rows in one
 * statement. Deleted with its token.
 */
@Entity({ name: 'recoverable_tokens' })
@Index('recoverable_tokens_tenant_idx', ['tenantId'])
export class RecoverableToken {
  @PrimaryColumn('uuid', { name: 'token_id' })
  tokenId!: string;

  // By name, not by class: the tokens feature imports this one, so this one cannot import it back.
  @ManyToOne('Token', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'token_id', foreignKeyConstraintName: 'recoverable_tokens_token_fkey' })
  token?: object;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  /** `<key id>:<base64 of iv | tag | ciphertext>` (token-recovery-cipher.ts). */
  @Column('text')
  ciphertext!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
