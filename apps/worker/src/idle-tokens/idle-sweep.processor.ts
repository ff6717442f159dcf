import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { IdleSweepResult } from '@latchkey/contracts';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { IssuerClient } from '../issuer/issuer-client';
import { JobQueues } from '../queues/job-queues';
import { WorkerQueue } from '../queues/worker-queues';

/** The one scheduler id: every worker upserts the same schedule, so one sweep runs per interval. */
export const IDLE_SWEEP_SCHEDULER = 'idle-sweep';

/**
 * Runs the tenants' idle policies every IDLE_SWEEP_INTERVAL_MS. The schedule lives in Redis (a BullMQ job
 * scheduler that every worker upserts), so however many workers run, one sweep job is due per interval.
 * The sweep itself is the issuer's, which owns the tokens and claims each one for one sweep only, so
 * even sweeps that meet (a slow one and the next) never warn or revoke twice.
 */
@Injectable()
export class IdleSweepProcessor implements OnModuleInit {
  private readonly logger = new Logger(IdleSweepProcessor.name);

  constructor(
    private readonly issuer: IssuerClient,
    private readonly queues: JobQueues,
    @Inject(WORKER_CONFIG) private readonly config: Pick<WorkerConfig, 'IDLE_SWEEP_INTERVAL_MS'>,
  ) {}

  /** Workers start with the module; the schedule is written without holding up start-up. */
  onModuleInit(): void {
    this.queues.work(WorkerQueue.IdleSweep, () => this.process());
    this.schedule();
  }

  /** Upserts the shared schedule; while Redis refuses, tries again after one interval. */
  private schedule(): void {
    this.queues
      .queue(WorkerQueue.IdleSweep)
      .upsertJobScheduler(
        IDLE_SWEEP_SCHEDULER,
        { every: this.config.IDLE_SWEEP_INTERVAL_MS },
        { name: WorkerQueue.IdleSweep, data: {} },
      )
      .then(
        () => this.logger.log({ msg: 'idle sweeps scheduled', everyMs: this.config.IDLE_SWEEP_INTERVAL_MS }),
        (error: unknown) => {
          this.logger.warn({ msg: 'scheduling idle sweeps failed, trying again', error: String(error) });
          setTimeout(() => this.schedule(), this.config.IDLE_SWEEP_INTERVAL_MS).unref();
        },
      );
  }

  async process(): Promise<IdleSweepResult> {
    const answer = await this.issuer.sweepIdleTokens();
    switch (answer.kind) {
      case 'ok':
        if (answer.value.warned.length > 0 || answer.value.revoked.length > 0) {
          this.logger.log({ msg: 'idle sweep', ...answer.value });
        }
        return answer.value;
      case 'transient':
        throw new Error(`the idle sweep failed: ${answer.error}`);
      case 'not-found':
      case 'refused':
        // An issuer without the idle policy: nothing to do until it has it.
        this.logger.warn({ msg: 'the issuer refused the idle sweep', answer });
        return { warned: [], revoked: [] };
    }
  }
}
