import type { Job, Queue, Worker } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Registry } from 'prom-client';
import { collectFailures, collectWithin, counterIn, gaugeIn } from '@latchkey/service-runtime';
import { RetryLaterError } from './retry-policy';
import { ALL_WORKER_QUEUES, type MailJob, type WorkerQueue } from './worker-queues';

/** BullMQ job states reported by `latchkey_worker_queue_jobs`. */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;
/** The scrape-time read of the job counts gives up after this; the gauges keep their last values. */
export const QUEUE_COLLECT_TIMEOUT_MS = 1_000;

/** How one renewal callback attempt ended. */
export type CallbackOutcome = 'delivered' | 'offer-closed' | 'retry' | 'failed';
/** How one mail job ended. */
export type MailOutcome = 'sent' | 'skipped' | 'failed';

/**
 * The worker's series: queue depths read from Redis when scraped (`getJobCounts`, within a timeout),
 * job outcomes by queue, callback delivery and mail outcomes. No job id, token or tenant is a label.
 */
export class WorkerMetrics {
  private readonly jobs;
  private readonly callbacks;
  private readonly mails;

  constructor(private readonly registry: Registry) {
    this.jobs = counterIn(registry, {
      name: 'latchkey_worker_jobs_total',
      help: 'Job attempts finished, by queue and outcome: completed, retried (failed, will run again), failed (for good).',
      labelNames: ['queue', 'outcome'],
    });
    this.callbacks = counterIn(registry, {
      name: 'latchkey_worker_callback_deliveries_total',
      help: 'Renewal callback attempts, by outcome: delivered (2xx), offer-closed (nothing left to deliver), retry (failed, retried within the redeem window), failed (window lost or URL refused).',
      labelNames: ['outcome'],
    });
    this.mails = counterIn(registry, {
      name: 'latchkey_worker_mails_total',
      help: 'Notification mail jobs, by kind and outcome: sent, skipped (no longer applies or no recipient), failed (attempt failed; retried).',
      labelNames: ['kind', 'outcome'],
    });
    for (const queue of ALL_WORKER_QUEUES) {
      for (const outcome of ['completed', 'retried', 'failed']) this.jobs.inc({ queue, outcome }, 0);
    }
    for (const outcome of ['delivered', 'offer-closed', 'retry', 'failed'])
      this.callbacks.inc({ outcome }, 0);
  }

  /** Reports each queue's job counts by state when scraped. */
  watchQueues(queues: ReadonlyMap<WorkerQueue, Queue>): void {
    const { registry } = this;
    collectFailures(registry, 'queues');
    gaugeIn(registry, {
      name: 'latchkey_worker_queue_jobs',
      help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, prioritized, waiting-children, failed, completed; finished jobs as kept), read when scraped.',
      labelNames: ['queue', 'state'],
      async collect() {
        await collectWithin(registry, 'queues', QUEUE_COLLECT_TIMEOUT_MS, async () => {
          const counts = await Promise.all(
            [...queues].map(
              async ([name, queue]) => [name, await queue.getJobCounts(...QUEUE_STATES)] as const,
            ),
          );
          for (const [queue, byState] of counts) {
            for (const state of QUEUE_STATES) this.set({ queue, state }, byState[state] ?? 0);
          }
        });
      },
    });
  }

  /** Counts a queue worker's finished attempts. */
  watchWorker(queue: WorkerQueue, worker: Worker): void {
    worker.on('completed', () => this.jobs.inc({ queue, outcome: 'completed' }));
    worker.on('failed', (job: Job | undefined, error: Error) => {
      this.jobs.inc({ queue, outcome: finalFailure(job, error) ? 'failed' : 'retried' });
    });
  }

  /** Counts one callback attempt's outcome as it settles, and passes it on unchanged. */
  async callbackAttempt<T extends CallbackOutcome>(attempt: Promise<T>): Promise<T> {
    try {
      const outcome = await attempt;
      this.callbacks.inc({ outcome });
      return outcome;
    } catch (error) {
      this.callbacks.inc({ outcome: error instanceof RetryLaterError ? 'retry' : 'failed' });
      throw error;
    }
  }

  /** Counts one mail job's outcome as it settles, and passes it on unchanged. */
  async mail<T extends MailOutcome>(kind: MailJob['kind'], sending: Promise<T>): Promise<T> {
    try {
      const outcome = await sending;
      this.mails.inc({ kind, outcome });
      return outcome;
    } catch (error) {
      this.mails.inc({ kind, outcome: 'failed' });
      throw error;
    }
  }
}

/** Whether BullMQ will not run the job again after this failure. */
function finalFailure(job: Job | undefined, error: Error): boolean {
  if (job === undefined || error instanceof UnrecoverableError) return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}
