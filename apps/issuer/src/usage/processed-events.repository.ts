import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/transaction';

/** The `processed_events` table: which consumer has applied which event, so each applies it once. */
@Injectable()
export class ProcessedEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records that `consumer` applies `eventId` now; false when it already had. */
  async markProcessed(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
    const fresh = await managerOf(tx, this.dataSource).query<unknown[]>(
      `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventId],
    );
    return fresh.length > 0;
  }
}
