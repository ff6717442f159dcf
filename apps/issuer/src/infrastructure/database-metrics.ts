import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { METRICS_REGISTRY, postgresErrors } from '@latchkey/service-runtime';
import { PRIORITY_DATA_SOURCE } from '../database/data-source';

/** What the Postgres driver of a TypeORM data source holds: node-postgres's pool. */
interface PoolHolder {
  master?: { on(event: 'error', listener: (error: Error) => void): unknown };
}

/**
 * Counts connections the issuer's two Postgres pools lose (an idle client's error: the server went away,
 * a network cut) in `latchkey_postgres_errors_total{source="pool"}`.
 */
@Injectable()
export class DatabaseMetrics implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly main: DataSource,
    @InjectDataSource(PRIORITY_DATA_SOURCE) private readonly priority: DataSource,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onApplicationBootstrap(): void {
    const errors = postgresErrors(this.registry, 'pool');
    for (const dataSource of [this.main, this.priority]) {
      (dataSource.driver as unknown as PoolHolder).master?.on('error', () => errors.inc());
    }
  }
}
