import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { collectFailures, collectWithin, gaugeIn, METRICS_REGISTRY } from '@latchkey/service-runtime';
import { OutboxRepository } from './outbox.repository';

/** A backlog larger than this is reported as this: the count stays a bounded scan. */
export const OUTBOX_BACKLOG_CAP = 100_000;
/** The scrape-time read gives up after this (Postgres cancels the statement, the scrape goes on). */
export const OUTBOX_COLLECT_TIMEOUT_MS = 1_000;

/**
 * `latchkey_issuer_outbox_backlog` (rows not yet published, capped) and
 * `latchkey_issuer_outbox_lag_seconds` (age of the oldest of them: how far publishing is behind), read
 * from Postgres when `/metrics` is scraped, within a timeout.
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const { registry, outbox } = this;
    collectFailures(registry, 'outbox');
    // One read per scrape serves both gauges: whichever is collected first starts it, the other joins.
    let latest = { pending: 0, oldestAgeSeconds: 0 };
    let reading: Promise<void> | undefined;
    const refresh = (): Promise<void> =>
      (reading ??= collectWithin(registry, 'outbox', OUTBOX_COLLECT_TIMEOUT_MS + 250, async () => {
        latest = await outbox.backlog(OUTBOX_BACKLOG_CAP, OUTBOX_COLLECT_TIMEOUT_MS);
      }).finally(() => {
        reading = undefined;
      }));
    gaugeIn(registry, {
      name: 'latchkey_issuer_outbox_backlog',
      help: `Outbox rows written but not yet published to Kafka (counted up to ${OUTBOX_BACKLOG_CAP}).`,
      async collect() {
        await refresh();
        this.set(latest.pending);
      },
    });
    gaugeIn(registry, {
      name: 'latchkey_issuer_outbox_lag_seconds',
      help: 'Age of the oldest outbox row not yet published: how far event publishing is behind (0 when none waits).',
      async collect() {
        await refresh();
        this.set(latest.oldestAgeSeconds);
      },
    });
  }
}
