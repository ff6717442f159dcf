import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { LatchkeyEvent, Topic } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { EVENT_PUBLISHER, type EventPublisher } from '@latchkey/messaging';
import { OutboxRepository, type PendingOutboxRow } from './outbox.repository';

const MAX_BACKOFF_MS = 10_000;
const CLEANUP_EVERY_MS = 60 * 60 * 1000;

/**
 * Publishes outbox rows to Kafka in id order, in batches, and marks them published in the same
 * transaction that locked them (only one relay publishes at a time per database, which keeps each
 * token's events in order). A failed send leaves them pending (with the error recorded) and is
 * retried with exponential backoff, so an event written while Kafka is down is delivered once it is back.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastCleanup = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** Asks the relay to look now rather than at its next poll (called after a commit that wrote events). */
  nudge(): void {
    this.wake?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** Publishes one batch; returns how many rows were published, or throws when Kafka refused them. */
  async publishBatch(): Promise<number> {
    // The transaction stays open while Kafka takes the batch, by design: it has its own idle bound.
    const outcome = await this.outbox.withRelayLock(
      this.config.OUTBOX_PUBLISH_TRANSACTION_TIMEOUT_MS,
      async (tx): Promise<BatchOutcome> => {
        const rows = await this.outbox.pending(tx, this.config.OUTBOX_BATCH_SIZE);
        if (rows.length === 0) return { published: 0 };
        const ids = rows.map((r) => r.id);
        try {
          for (const [topic, events] of groupByTopic(rows)) {
            await this.publisher.publish(topic, events);
          }
        } catch (error) {
          // Recorded in this transaction, which commits: the rows stay pending, with the failure on them.
          const message = error instanceof Error ? error.message : String(error);
          await this.outbox.markFailed(tx, ids, message);
          return { published: 0, failure: new RelayError(rows.length, message) };
        }
        await this.outbox.markPublished(tx, ids);
        return { published: rows.length };
      },
    );
    if (outcome === null) return 0;
    if (outcome.failure) throw outcome.failure;
    return outcome.published;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        const published = await this.publishBatch();
        failures = 0;
        await this.cleanupIfDue();
        if (published === this.config.OUTBOX_BATCH_SIZE) continue;
      } catch (error) {
        failures += 1;
        this.logger.warn(`outbox relay: ${(error as Error).message} (attempt ${failures}; will retry)`);
      }
      if (this.stopping) break;
      await this.sleep(failures === 0 ? this.config.OUTBOX_POLL_INTERVAL_MS : backoff(failures));
    }
  }

  private async cleanupIfDue(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.outbox.deletePublishedBefore(this.config.OUTBOX_RETENTION_HOURS);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

interface BatchOutcome {
  published: number;
  failure?: RelayError;
}

class RelayError extends Error {
  constructor(count: number, cause: string) {
    super(`could not publish ${count} event(s): ${cause}`);
  }
}

function backoff(failures: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(failures, 10));
  return base / 2 + Math.random() * (base / 2);
}

function groupByTopic(rows: PendingOutboxRow[]): Map<Topic, LatchkeyEvent[]> {
  const groups = new Map<Topic, LatchkeyEvent[]>();
  for (const row of rows) {
    const list = groups.get(row.topic) ?? [];
    list.push(row.payload);
    groups.set(row.topic, list);
  }
  return groups;
}
