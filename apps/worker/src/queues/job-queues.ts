import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { type BackoffStrategy, type Job, Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { countRedisErrors, createRedis, METRICS_REGISTRY, tracingActive } from '@latchkey/service-runtime';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { bullmqTelemetry } from './bullmq-telemetry';
import { fullJitterDelay, RetryLaterError } from './retry-policy';
import { WorkerMetrics } from './worker-metrics';
import { ALL_WORKER_QUEUES, type JobDataByQueue, type JobRequest, WorkerQueue } from './worker-queues';

/** The custom backoff type every job uses; each queue's worker decides the delay (see `work`). */
export const JITTER_BACKOFF = 'latchkey-jitter';

/**
 * Attempts per queue. Transient failures (issuer or SMTP away) are retried with capped exponential
 * backoff; a renewal that is due must survive a long issuer outage, a mail a shorter one. Callbacks are
 * bounded by their redeem window, not by a count.
 */
const ATTEMPTS: Record<WorkerQueue, number> = {
  [WorkerQueue.RenewalDue]: 10_000,
  [WorkerQueue.RenewalCallback]: 100_000,
  [WorkerQueue.ExpiryReminder]: 1_000,
  [WorkerQueue.Mail]: 500,
  // The next scheduled sweep does the same work: a few retries only.
  [WorkerQueue.IdleSweep]: 3,
};

/** Finished jobs are kept a while (their ids keep re-adds idempotent), bounded in number. */
const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 10_000 };
const KEEP_FAILED = { age: 30 * 24 * 3600, count: 10_000 };
/** How often a job may be recovered after its worker died before it counts as failed. */
const MAX_STALLED_COUNT = 3;

/** Job states in which a job has not started yet and can be removed. */
const PENDING_STATES = new Set(['delayed', 'waiting', 'prioritized', 'paused', 'waiting-children']);
const FINISHED_STATES = new Set(['completed', 'failed']);

/** Per-token index of queued jobs: adds the member and extends the key's life, never shortens it. */
const TRACK_SCRIPT = `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;
const INDEX_RETENTION_MS = 30 * 24 * 3600 * 1000;

export type JobProcessor<Q extends WorkerQueue> = (job: Job<JobDataByQueue[Q]>) => Promise<unknown>;

/**
 * The worker's BullMQ queues on a dedicated queue-role Redis connection (commands wait for Redis to come
 * back instead of failing fast), one queue per kind of work, plus the workers that process them.
 * Workers close first on shutdown (letting jobs in hand finish), then queues, then the connection.
 */
@Injectable()
export class JobQueues implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueues.name);
  readonly connection: Redis;
  private readonly prefix: string;
  private readonly queues = new Map<WorkerQueue, Queue>();
  private readonly workers: Worker[] = [];
  /** With tracing on, a job carries its trace context in its options (bullmq-telemetry.ts). */
  private readonly telemetry = tracingActive() ? bullmqTelemetry() : undefined;

  /** Job outcomes, queue depths, callback and mail outcomes; undefined without a registry (unit specs). */
  readonly metrics: WorkerMetrics | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    this.prefix = `${config.REDIS_KEY_PREFIX}bull`;
    this.connection = createRedis(config.WORKER_REDIS_URL, 'latchkey-worker-queues', { role: 'queue' });
    this.metrics = registry === undefined ? undefined : new WorkerMetrics(registry);
    if (registry !== undefined) countRedisErrors(registry, this.connection, 'queues');
    for (const name of ALL_WORKER_QUEUES) {
      const queue = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        telemetry: this.telemetry,
        defaultJobOptions: {
          attempts: ATTEMPTS[name],
          backoff: { type: JITTER_BACKOFF },
          removeOnComplete: KEEP_COMPLETED,
          removeOnFail: KEEP_FAILED,
        },
      });
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    this.metrics?.watchQueues(this.queues);
  }

  /** Adds a job unless one with its id exists; remembers it under its token so a revoke can remove it. */
  async enqueue(request: JobRequest): Promise<void> {
    const delay = Math.max(0, Math.round(request.runAt - Date.now()));
    if (request.tokenId !== null) {
      await this.connection.eval(
        TRACK_SCRIPT,
        1,
        this.indexKey(request.tokenId),
        member(request.queue, request.jobId),
        String(delay + INDEX_RETENTION_MS),
      );
    }
    await this.queue(request.queue).add(request.queue, request.data, { jobId: request.jobId, delay });
  }

  /**
   * Removes a token's jobs that have not started yet from the given queues (a job being processed
   * finishes; the issuer refuses what no longer applies). `forget` drops the token's index afterwards.
   */
  async cancelPending(
    tokenId: string,
    queues: readonly WorkerQueue[],
    options: { keep?: readonly string[]; forget?: boolean } = {},
  ): Promise<number> {
    const key = this.indexKey(tokenId);
    let removed = 0;
    for (const entry of await this.connection.smembers(key)) {
      const parsed = parseMember(entry);
      if (parsed === undefined || !queues.includes(parsed.queue) || options.keep?.includes(parsed.jobId)) {
        continue;
      }
      const queue = this.queue(parsed.queue);
      const job = await queue.getJob(parsed.jobId);
      const state = job === undefined ? 'unknown' : await job.getState();
      if (PENDING_STATES.has(state) && (await queue.remove(parsed.jobId)) === 1) {
        removed += 1;
        await this.connection.srem(key, entry);
      } else if (state === 'unknown' || FINISHED_STATES.has(state)) {
        await this.connection.srem(key, entry);
      }
    }
    if (options.forget === true) await this.connection.del(key);
    return removed;
  }

  /**
   * Starts a worker for `queue`. A processor that throws `RetryLaterError` chooses its next run itself;
   * any other error is retried after a capped exponential delay with full jitter.
   */
  work<Q extends WorkerQueue>(name: Q, processor: JobProcessor<Q>): Worker<JobDataByQueue[Q]> {
    const retry = {
      baseMs: this.config.WORKER_JOB_RETRY_BASE_MS,
      maxMs: this.config.WORKER_JOB_RETRY_MAX_MS,
    };
    const backoffStrategy: BackoffStrategy = (attemptsMade, _type, error) =>
      error instanceof RetryLaterError ? error.retryDelayMs : fullJitterDelay(attemptsMade, retry);
    const worker = new Worker<JobDataByQueue[Q]>(name, processor, {
      connection: this.connection,
      prefix: this.prefix,
      telemetry: this.telemetry,
      concurrency: this.config.WORKER_CONCURRENCY,
      lockDuration: this.config.WORKER_JOB_LOCK_MS,
      stalledInterval: this.config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: MAX_STALLED_COUNT,
      settings: { backoffStrategy },
    });
    worker.on('error', (error) => this.logger.warn(`worker ${name}: ${error.message}`));
    worker.on('failed', (job, error) => {
      const attempts = job?.opts.attempts ?? 1;
      const final = job === undefined || job.finishedOn !== undefined || job.attemptsMade >= attempts;
      this.logger.warn({
        msg: final ? 'job failed' : 'job attempt failed, will retry',
        queue: name,
        jobId: job?.id,
        attemptsMade: job?.attemptsMade,
        reason: error.message,
      });
    });
    this.metrics?.watchWorker(name, worker);
    this.workers.push(worker);
    return worker;
  }

  queue<Q extends WorkerQueue>(name: Q): Queue<JobDataByQueue[Q]> {
    const queue = this.queues.get(name);
    if (queue === undefined) throw new Error(`unknown queue ${name}`);
    return queue as Queue<JobDataByQueue[Q]>;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    if (this.connection.status !== 'end')
      await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private indexKey(tokenId: string): string {
    return `${this.config.REDIS_KEY_PREFIX}worker:token-jobs:${tokenId}`;
  }
}

function member(queue: WorkerQueue, jobId: string): string {
  return `${queue}/${jobId}`;
}

function parseMember(entry: string): { queue: WorkerQueue; jobId: string } | undefined {
  const slash = entry.indexOf('/');
  const queue = entry.slice(0, slash) as WorkerQueue;
  if (slash < 0 || !ALL_WORKER_QUEUES.includes(queue)) return undefined;
  return { queue, jobId: entry.slice(slash + 1) };
}
