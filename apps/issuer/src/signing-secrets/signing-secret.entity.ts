import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A tenant's callback signing secret. The secret must be usable (HMAC needs it), so it is stored
 * encrypted (AES-256-GCM under SIGNING_SECRET_ENCRYPTION_KEY), never in plaintext. The newest secret signs;
 * a rotated one keeps signing alongside it until `retiresAt`, so receivers can switch without a gap.
 */
@Entity({ name: 'signing_secrets' })
@Index('signing_secrets_tenant_idx', ['tenantId', 'createdAt'])
export class SigningSecret {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  /** The first characters of the secret, to tell secrets apart without revealing them. */
  @Column('varchar', { name: 'secret_prefix', length: 16 })
  secretPrefix!: string;

  @Column('text')
  ciphertext!: string;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  /** Null while current; set when a newer secret replaces it. */
  @Column('timestamptz', { name: 'retires_at', nullable: true })
  retiresAt!: Date | null;
}
