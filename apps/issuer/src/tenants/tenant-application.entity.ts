import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One entry of a tenant's catalog of applications/projects (seed 003: "Determine Applications by using
 * the drop-down menu"): the id a token's `resources` name and the verifiers compare, and a display name.
 * Owners and admins keep the catalog; the issuer owns this table.
 */
@Entity({ name: 'tenant_applications' })
export class TenantApplication {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('varchar', { length: 128 })
  id!: string;

  @Column('varchar', { length: 128 })
  name!: string;

  /** The order the owners gave, kept for the drop-down. */
  @Column('integer')
  position!: number;
}
