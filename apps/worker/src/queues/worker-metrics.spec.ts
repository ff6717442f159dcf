import { EventEmitter } from 'node:events';
import { UnrecoverableError, type Queue, type Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { RetryLaterError } from './retry-policy';
import { QUEUE_COLLECT_TIMEOUT_MS, WorkerMetrics } from './worker-metrics';
import { WorkerQueue } from './worker-queues';

function valueIn(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('WorkerMetrics', () => {
  let registry: Registry;
  let metrics: WorkerMetrics;

  beforeEach(() => {
    registry = new Registry();
    metrics = new WorkerMetrics(registry);
  });

  it('counts callback attempts by outcome and passes the outcome or the error on unchanged', async () => {
    await expect(metrics.callbackAttempt(Promise.resolve('delivered' as const))).resolves.toBe('delivered');
    await expect(metrics.callbackAttempt(Promise.resolve('offer-closed' as const))).resolves.toBe(
      'offer-closed',
    );
    const retry = new RetryLaterError('HTTP 503', 1_000);
    await expect(metrics.callbackAttempt(Promise.reject(retry))).rejects.toBe(retry);
    await expect(
      metrics.callbackAttempt(Promise.reject(new UnrecoverableError('window lost'))),
    ).rejects.toThrow();
    const text = await registry.metrics();
    const outcome = (o: string) => valueIn(text, `latchkey_worker_callback_deliveries_total{outcome="${o}"}`);
    expect([outcome('delivered'), outcome('offer-closed'), outcome('retry'), outcome('failed')]).toEqual([
      1, 1, 1, 1,
    ]);
  });

  it('counts mails by kind and outcome', async () => {
    await metrics.mail('renewed', Promise.resolve('sent' as const));
    await metrics.mail('renewed', Promise.resolve('skipped' as const));
    await expect(metrics.mail('expiry-reminder', Promise.reject(new Error('SMTP down')))).rejects.toThrow();
    const text = await registry.metrics();
    expect(valueIn(text, 'latchkey_worker_mails_total{kind="renewed",outcome="sent"}')).toBe(1);
    expect(valueIn(text, 'latchkey_worker_mails_total{kind="renewed",outcome="skipped"}')).toBe(1);
    expect(valueIn(text, 'latchkey_worker_mails_total{kind="expiry-reminder",outcome="failed"}')).toBe(1);
  });

  it('counts job attempts: completed, retried, and failed for good', async () => {
    const worker = new EventEmitter();
    metrics.watchWorker(WorkerQueue.Mail, worker as unknown as Worker);
    worker.emit('completed', {});
    worker.emit('failed', { attemptsMade: 1, opts: { attempts: 3 } }, new Error('SMTP down'));
    worker.emit('failed', { attemptsMade: 3, opts: { attempts: 3 } }, new Error('SMTP down'));
    worker.emit('failed', { attemptsMade: 1, opts: { attempts: 3 } }, new UnrecoverableError('refused'));
    const text = await registry.metrics();
    const jobs = (o: string) => valueIn(text, `latchkey_worker_jobs_total{queue="mail",outcome="${o}"}`);
    expect([jobs('completed'), jobs('retried'), jobs('failed')]).toEqual([1, 1, 2]);
    expect(valueIn(text, 'latchkey_worker_jobs_total{queue="renewal-due",outcome="failed"}')).toBe(0);
  });

  it('reads queue depths when scraped; a queue that does not answer in time costs the bound, not the scrape', async () => {
    let counts: Promise<Record<string, number>> = Promise.resolve({ waiting: 2, delayed: 7, failed: 1 });
    const queue = { getJobCounts: () => counts } as unknown as Queue;
    metrics.watchQueues(new Map([[WorkerQueue.RenewalDue, queue]]));
    let text = await registry.metrics();
    const depth = (state: string) =>
      valueIn(text, `latchkey_worker_queue_jobs{queue="renewal-due",state="${state}"}`);
    expect([depth('waiting'), depth('delayed'), depth('failed'), depth('active')]).toEqual([2, 7, 1, 0]);

    counts = new Promise(() => undefined);
    const started = Date.now();
    text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(QUEUE_COLLECT_TIMEOUT_MS + 1_000);
    expect(depth('delayed')).toBe(7);
    // The failure counter is read alongside the gauges, so the failure shows from the next scrape on.
    counts = Promise.resolve({ delayed: 8 });
    text = await registry.metrics();
    expect(depth('delayed')).toBe(8);
    expect(valueIn(text, 'latchkey_metrics_collect_failures_total{collector="queues"}')).toBe(1);
  });
});
