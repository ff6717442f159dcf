import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LatchkeyEvent, Topic } from '@latchkey/contracts';
import { managerOf, type Tx, txFor } from '../database/transaction';
import { OutboxMessage } from './outbox-message.entity';

export interface PendingOutboxRow {
  id: string;
  topic: Topic;
  payload: LatchkeyEvent;
}

/** The relay's transaction-scoped advisory lock: one active relay at a time keeps events in order. */
const RELAY_LOCK_ID = 7_346_821_001;

/** The outbox table: appended in the writer's transaction, read and marked by the relay. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async append(tx: Tx, events: readonly { topic: Topic; event: LatchkeyEvent }[]): Promise<void> {
    if (events.length === 0) return;
    await managerOf(tx, this.dataSource).insert(
      OutboxMessage,
      events.map(({ topic, event }) => ({ eventId: event.id, topic, payload: event })),
    );
  }

  /**
   * Runs the relay's batch in one transaction, if this instance gets the relay lock (null otherwise).
   * The transaction may stay open while Kafka takes the batch, up to `idleTimeoutMs`.
   */
  withRelayLock<T>(idleTimeoutMs: number, work: (tx: Tx) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('idle_in_transaction_session_timeout', $1, true)`, [
        String(idleTimeoutMs),
      ]);
      const [{ locked }] = await manager.query<[{ locked: boolean }]>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [RELAY_LOCK_ID],
      );
      if (!locked) return null;
      return work(txFor(manager));
    });
  }

  pending(tx: Tx, limit: number): Promise<PendingOutboxRow[]> {
    return managerOf(tx, this.dataSource).query<PendingOutboxRow[]>(
      `SELECT id, topic, payload FROM outbox_messages WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
  }

  async markPublished(tx: Tx, ids: string[]): Promise<void> {
    await managerOf(tx, this.dataSource).query(
      `UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1, last_error = NULL
        WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  async markFailed(tx: Tx, ids: string[], error: string): Promise<void> {
    await managerOf(tx, this.dataSource).query(
      `UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
      [ids, error.slice(0, 1000)],
    );
  }

  /**
   * Rows waiting to be published (counted up to `cap`, so a huge backlog costs a bounded scan) and the
   * age in seconds of the oldest (0 when none), both from the partial index on unpublished rows. The
   * statement is cancelled by Postgres after `timeoutMs`.
   */
  async backlog(cap: number, timeoutMs: number): Promise<{ pending: number; oldestAgeSeconds: number }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
      const [row] = await manager.query<[{ pending: string; age: string | null }]>(
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox_messages WHERE published_at IS NULL
                   ORDER BY id LIMIT $1) AS capped) AS pending,
                (SELECT EXTRACT(EPOCH FROM now() - created_at) FROM outbox_messages
                  WHERE published_at IS NULL ORDER BY id LIMIT 1) AS age`,
        [cap],
      );
      return { pending: Number(row.pending), oldestAgeSeconds: Math.max(0, Number(row.age ?? 0)) };
    });
  }

  async deletePublishedBefore(hours: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM outbox_messages WHERE published_at < now() - make_interval(hours => $1)`,
      [hours],
    );
  }
}
