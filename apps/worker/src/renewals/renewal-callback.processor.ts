import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { checkCallbackUrl, type CallbackPolicy, publicRefusalOf } from '@latchkey/callback-safety';
import type { CallbackAttemptReport, CallbackDelivery } from '@latchkey/contracts';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { IssuerClient } from '../issuer/issuer-client';
import { jobIds } from '../queues/job-ids';
import { JobQueues } from '../queues/job-queues';
import { nextAttemptWithinWindow, RetryLaterError, type RetrySettings } from '../queues/retry-policy';
import { type RenewalCallbackJob, WorkerQueue } from '../queues/worker-queues';
import { sendCallback } from './callback-sender';

export type CallbackJobOutcome = 'delivered' | 'offer-closed';

type AttemptResult =
  | { kind: 'delivered' }
  | { kind: 'closed'; code: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'failed'; error: string; windowEndsAt: number };

/** Pauses between tries of reporting an attempt's outcome to the issuer. */
const REPORT_RETRY_DELAYS_MS = [250, 1_000, 3_000];

/**
 * Delivers one renewal offer's callback. Each attempt asks the issuer for a freshly signed delivery (a
 * new redeem key), checks the URL again (SSRF guard), sends it to the checked address, and reports the
 * outcome. A failed attempt is retried with exponential backoff and full jitter, but never after the
 * redeem window: once the next try would fall after it, the delivery has failed for this window, the
 * token's mail recipient is told, and the issuer's next offer (its `nextRenewalAt`) takes over.
 *
 * A worker that dies mid-attempt loses its job lock; the job is picked up again and makes a new attempt
 * with a new key. Reporting is best effort: a report that cannot be made never causes another delivery.
 */
@Injectable()
export class RenewalCallbackProcessor implements OnModuleInit {
  private readonly logger = new Logger(RenewalCallbackProcessor.name);
  private readonly policy: CallbackPolicy;
  private readonly retry: RetrySettings;

  constructor(
    private readonly issuer: IssuerClient,
    private readonly queues: JobQueues,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    this.policy = { allowList: config.CALLBACK_ALLOW_LIST };
    this.retry = { baseMs: config.CALLBACK_RETRY_BASE_MS, maxMs: config.CALLBACK_RETRY_MAX_MS };
  }

  /** Workers start with the module, without waiting for the Kafka consumer to join its group. */
  onModuleInit(): void {
    const { metrics } = this.queues;
    this.queues.work(WorkerQueue.RenewalCallback, (job) =>
      metrics === undefined ? this.process(job) : metrics.callbackAttempt(this.process(job)),
    );
  }

  async process(job: Pick<Job<RenewalCallbackJob>, 'data' | 'attemptsMade'>): Promise<CallbackJobOutcome> {
    const { data } = job;
    if (Date.now() >= Date.parse(data.windowEndsAt)) {
      await this.windowLost(data, null);
      throw new UnrecoverableError('the redeem window closed before the callback was delivered');
    }

    let result: AttemptResult;
    try {
      result = await this.attempt(data);
    } catch (error) {
      result = { kind: 'failed', error: errorText(error), windowEndsAt: Date.parse(data.windowEndsAt) };
    }

    switch (result.kind) {
      case 'delivered':
        return 'delivered';
      case 'closed':
        this.logger.log({
          msg: 'renewal offer closed, delivery stops',
          offerId: data.offerId,
          code: result.code,
        });
        return 'offer-closed';
      case 'blocked':
        await this.windowLost(data, result.reason);
        throw new UnrecoverableError(`callback URL refused: ${result.reason}`);
      case 'failed': {
        const failures = job.attemptsMade + 1;
        const delay = nextAttemptWithinWindow(failures, Date.now(), result.windowEndsAt, this.retry);
        if (delay === null) {
          await this.windowLost(data, result.error);
          throw new UnrecoverableError(`callback not delivered within the redeem window: ${result.error}`);
        }
        throw new RetryLaterError(
          `callback attempt ${failures} failed: ${result.error}; next in ${delay} ms`,
          delay,
        );
      }
    }
  }

  private async attempt(data: RenewalCallbackJob): Promise<AttemptResult> {
    const answer = await this.issuer.requestDelivery(data.offerId);
    switch (answer.kind) {
      case 'refused':
        return { kind: 'closed', code: answer.code };
      case 'not-found':
        return { kind: 'closed', code: 'NOT_FOUND' };
      case 'transient':
        return {
          kind: 'failed',
          error: `issuer: ${answer.error}`,
          windowEndsAt: Date.parse(data.windowEndsAt),
        };
      case 'ok':
        return this.deliver(answer.value);
    }
  }

  private async deliver(delivery: CallbackDelivery): Promise<AttemptResult> {
    const windowEndsAt = Date.parse(delivery.windowEndsAt);
    const check = await checkCallbackUrl(delivery.url, this.policy);
    if (!check.ok) {
      // `detail` may name internal addresses: logs only. The attempt record, which admins read, gets the
      // public reason code (a name that does not resolve looks like a forbidden one).
      this.logger.warn({
        msg: 'callback URL refused at send time',
        offerId: delivery.offerId,
        attemptId: delivery.attemptId,
        reason: check.reason,
        detail: check.detail,
      });
      await this.report(delivery.attemptId, {
        outcome: 'blocked',
        statusCode: null,
        durationMs: 0,
        error: publicRefusalOf(check.reason),
      });
      return { kind: 'blocked', reason: publicRefusalOf(check.reason) };
    }

    const sent = await sendCallback({
      url: check.url,
      addresses: check.addresses,
      body: delivery.body,
      headers: delivery.headers,
      timeoutMs: this.config.CALLBACK_TIMEOUT_MS,
    });
    const log = {
      offerId: delivery.offerId,
      attemptId: delivery.attemptId,
      tokenId: delivery.tokenId,
      receiver: check.url.origin,
      statusCode: sent.statusCode,
      durationMs: sent.durationMs,
    };
    if (sent.delivered) {
      this.logger.log({ msg: 'renewal callback delivered', ...log });
      await this.report(delivery.attemptId, {
        outcome: 'delivered',
        statusCode: sent.statusCode,
        durationMs: sent.durationMs,
        error: null,
      });
      return { kind: 'delivered' };
    }
    this.logger.warn({ msg: 'renewal callback failed', ...log, error: sent.error });
    await this.report(delivery.attemptId, {
      outcome: 'failed',
      statusCode: sent.statusCode,
      durationMs: sent.durationMs,
      error: sent.error,
    });
    return { kind: 'failed', error: sent.error, windowEndsAt };
  }

  /** Best effort, a few tries; never throws, so a lost report never causes another delivery. */
  private async report(attemptId: string, report: CallbackAttemptReport): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.issuer.reportAttempt(attemptId, report);
      if (answer.kind === 'ok') return;
      if (answer.kind !== 'transient' || attempt >= REPORT_RETRY_DELAYS_MS.length) {
        this.logger.warn({
          msg: 'could not report a callback attempt',
          attemptId,
          outcome: report.outcome,
          answer: answer.kind === 'transient' ? answer.error : answer.kind,
        });
        return;
      }
      await sleep(REPORT_RETRY_DELAYS_MS[attempt]);
    }
  }

  /** The window passed without a delivery: tell the token's mail recipient, once per offer. */
  private async windowLost(data: RenewalCallbackJob, lastError: string | null): Promise<void> {
    this.logger.warn({
      msg: 'renewal callback not delivered in its redeem window',
      offerId: data.offerId,
      tokenId: data.tokenId,
      lastError,
    });
    await this.queues.enqueue({
      queue: WorkerQueue.Mail,
      jobId: jobIds.mail('callback-failed', data.offerId),
      data: {
        kind: 'callback-failed',
        tokenId: data.tokenId,
        offerId: data.offerId,
        windowEndsAt: data.windowEndsAt,
        nextRenewalAt: data.nextRenewalAt ?? null,
        lastError,
      },
      runAt: Date.now(),
      tokenId: null,
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : 'unexpected failure';
}
