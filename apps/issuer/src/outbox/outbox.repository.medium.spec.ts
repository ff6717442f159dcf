import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../test/medium-database';
import { OUTBOX_COLLECT_TIMEOUT_MS, OutboxMetrics } from './outbox-metrics';
import { OutboxRepository } from './outbox.repository';

/* OutboxRepository.backlog and the outbox gauges on real Postgres: read at scrape time, bounded in rows and time. */

let dataSource: DataSource;
let outbox: OutboxRepository;

beforeAll(async () => {
  dataSource = await openDatabase();
  outbox = new OutboxRepository(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
});

beforeEach(async () => {
  // This spec owns the outbox table of the run's database (medium specs run one file at a time).
  await dataSource.query('DELETE FROM outbox_messages');
});

async function row(ageSeconds: number, published = false): Promise<void> {
  await dataSource.query(
    `INSERT INTO outbox_messages (event_id, topic, payload, created_at, published_at)
     VALUES ($1, 'token-lifecycle', '{}'::jsonb, now() - make_interval(secs => $2),
             CASE WHEN $3 THEN now() END)`,
    [randomUUID(), ageSeconds, published],
  );
}

function valueIn(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the outbox gauges on Postgres', () => {
  it('report nothing waiting on an empty or fully published outbox', async () => {
    expect(await outbox.backlog(100, 1_000)).toEqual({ pending: 0, oldestAgeSeconds: 0 });
    await row(600, true);
    expect(await outbox.backlog(100, 1_000)).toEqual({ pending: 0, oldestAgeSeconds: 0 });
  });

  it('count the unpublished rows up to the cap, and age the oldest of them', async () => {
    await row(3_600, true);
    await row(120);
    await row(30);
    await row(1);
    const read = await outbox.backlog(100, 1_000);
    expect(read.pending).toBe(3);
    expect(read.oldestAgeSeconds).toBeGreaterThanOrEqual(120);
    expect(read.oldestAgeSeconds).toBeLessThan(125);
    expect((await outbox.backlog(2, 1_000)).pending).toBe(2);
  });

  it('are served from the registry when scraped', async () => {
    await row(45);
    await row(5);
    const registry = new Registry();
    new OutboxMetrics(outbox, registry).onModuleInit();
    const text = await registry.metrics();
    expect(valueIn(text, 'latchkey_issuer_outbox_backlog')).toBe(2);
    expect(valueIn(text, 'latchkey_issuer_outbox_lag_seconds')).toBeGreaterThanOrEqual(45);
    expect(valueIn(text, 'latchkey_metrics_collect_failures_total{collector="outbox"}')).toBe(0);
  });

  it('give up within the timeout when the table is locked, count it, and keep the last values', async () => {
    await row(10);
    const registry = new Registry();
    new OutboxMetrics(outbox, registry).onModuleInit();
    expect(valueIn(await registry.metrics(), 'latchkey_issuer_outbox_backlog')).toBe(1);

    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query('LOCK TABLE outbox_messages IN ACCESS EXCLUSIVE MODE');
      await expect(outbox.backlog(100, 200)).rejects.toThrow(/statement timeout|lock timeout/);
      const started = Date.now();
      await registry.metrics();
      expect(Date.now() - started).toBeLessThan(OUTBOX_COLLECT_TIMEOUT_MS + 1_000);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    const text = await registry.metrics();
    expect(valueIn(text, 'latchkey_metrics_collect_failures_total{collector="outbox"}')).toBe(1);
    expect(valueIn(text, 'latchkey_issuer_outbox_backlog')).toBe(1);
  });
});
