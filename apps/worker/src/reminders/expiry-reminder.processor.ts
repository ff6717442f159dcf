import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { InternalTokenState } from '@latchkey/contracts';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { IssuerClient } from '../issuer/issuer-client';
import { jobIds } from '../queues/job-ids';
import { JobQueues } from '../queues/job-queues';
import { type ExpiryReminderJob, WorkerQueue } from '../queues/worker-queues';
import { reminderJobs, reminderStillApplies } from './reminder-plan';

export type ReminderOutcome = 'planned' | 'mail-queued' | 'not-applicable';

/** The reminder days that apply to a token: its tenant's, or the service's default ones. */
export function reminderDaysOf(
  state: Pick<InternalTokenState, 'expiryReminderDays'>,
  defaults: readonly number[],
): readonly number[] {
  return state.expiryReminderDays ?? defaults;
}

/**
 * Expiry reminders for tokens without auto-renewal. `plan` reads a token's state and schedules its
 * reminders on its tenant's reminder days (or EXPIRY_REMINDER_DAYS); `send` checks, at reminder time,
 * that the token still expires then (not revoked, renewed, switched to auto-renewal or given another
 * expiry) and that the day is still one of its tenant's, has the issuer announce TokenExpiring (once per
 * token, expiry and day), and queues the mail to its creator.
 */
@Injectable()
export class ExpiryReminderProcessor implements OnModuleInit {
  private readonly logger = new Logger(ExpiryReminderProcessor.name);

  constructor(
    private readonly issuer: IssuerClient,
    private readonly queues: JobQueues,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  /** Workers start with the module, without waiting for the Kafka consumer to join its group. */
  onModuleInit(): void {
    this.queues.work(WorkerQueue.ExpiryReminder, (job) => this.process(job));
  }

  async process(job: Pick<Job<ExpiryReminderJob>, 'data'>): Promise<ReminderOutcome> {
    const { data } = job;
    if (data.kind === 'replan-tenant') return this.replan(data);
    const state = await this.issuer.currentTokenState(data.tokenId);
    switch (data.kind) {
      case 'plan': {
        if (
          state === undefined ||
          state.expiresAt === null ||
          !reminderStillApplies(state, state.expiresAt)
        ) {
          return 'not-applicable';
        }
        const planned = reminderJobs(state.id, state.expiresAt, Date.now(), {
          days: reminderDaysOf(state, this.config.EXPIRY_REMINDER_DAYS),
          dayMs: this.config.REMINDER_DAY_MS,
        });
        for (const request of planned) await this.queues.enqueue(request);
        this.logger.log({
          msg: 'expiry reminders planned',
          tokenId: state.id,
          jobs: planned.map((p) => p.jobId),
        });
        return 'planned';
      }
      case 'send': {
        if (
          state === undefined ||
          !reminderStillApplies(state, data.expiresAt) ||
          // The tenant changed its reminder days since this one was planned.
          !reminderDaysOf(state, this.config.EXPIRY_REMINDER_DAYS).includes(data.days)
        ) {
          this.logger.debug(`expiry reminder for ${data.tokenId} no longer applies`);
          return 'not-applicable';
        }
        // TokenExpiring first, once however often this runs; then the mail, single by its job id.
        const notice = await this.issuer.recordExpiryNotice(data.tokenId, data.expiresAt, data.days);
        switch (notice.kind) {
          case 'transient':
            throw new Error(`announcing the expiry notice failed: ${notice.error}`);
          case 'not-found':
          case 'refused':
            return 'not-applicable';
          case 'ok':
            if (notice.value.outcome === 'not-applicable') return 'not-applicable';
        }
        await this.queues.enqueue({
          queue: WorkerQueue.Mail,
          jobId: jobIds.mail('expiry-reminder', data.tokenId, data.days, Date.parse(data.expiresAt)),
          data: {
            kind: 'expiry-reminder',
            tokenId: data.tokenId,
            days: data.days,
            expiresAt: data.expiresAt,
          },
          runAt: Date.now(),
          tokenId: null,
        });
        return 'mail-queued';
      }
    }
  }

  /** One page of the tenant's tokens planned again (their plan jobs), then the next page's job. */
  private async replan(
    data: Extract<ExpiryReminderJob, { kind: 'replan-tenant' }>,
  ): Promise<ReminderOutcome> {
    const page = await this.issuer.expiringTokens(data.tenantId, data.after);
    switch (page.kind) {
      case 'transient':
        throw new Error(`listing the tenant's tokens failed: ${page.error}`);
      case 'not-found':
      case 'refused':
        return 'not-applicable';
      case 'ok':
    }
    for (const tokenId of page.value.tokenIds) {
      await this.queues.enqueue({
        queue: WorkerQueue.ExpiryReminder,
        jobId: jobIds.reminderPlan(tokenId, data.eventId),
        data: { kind: 'plan', tokenId },
        runAt: Date.now(),
        tokenId,
      });
    }
    if (page.value.next !== null) {
      await this.queues.enqueue({
        queue: WorkerQueue.ExpiryReminder,
        jobId: jobIds.reminderReplan(data.eventId, data.page + 1),
        data: { ...data, after: page.value.next, page: data.page + 1 },
        runAt: Date.now(),
        tokenId: null,
      });
    }
    return 'planned';
  }
}
