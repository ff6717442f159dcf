import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';
import { TenantApplication } from './tenant-application.entity';

/** One catalog entry as the API shows it. */
export interface ApplicationEntry {
  id: string;
  name: string;
}

/** The `tenant_applications` table: each tenant's catalog of applications/projects, in its order. */
@Injectable()
export class TenantApplicationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(tenantId: string, tx?: Tx): Promise<ApplicationEntry[]> {
    const rows = await managerOf(tx, this.dataSource).find(TenantApplication, {
      where: { tenantId },
      order: { position: 'ASC' },
    });
    return rows.map(({ id, name }) => ({ id, name }));
  }

  /** Replaces the tenant's whole catalog inside `tx` (the caller holds the tenant's row lock). */
  async replace(tx: Tx, tenantId: string, entries: ApplicationEntry[]): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    await manager.delete(TenantApplication, { tenantId });
    if (entries.length === 0) return;
    await manager.insert(
      TenantApplication,
      entries.map((entry, position) => ({ tenantId, id: entry.id, name: entry.name, position })),
    );
  }
}
