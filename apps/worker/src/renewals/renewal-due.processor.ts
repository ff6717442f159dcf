import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { IssuerClient } from '../issuer/issuer-client';
import { JobQueues } from '../queues/job-queues';
import { type RenewalDueJob, WorkerQueue } from '../queues/worker-queues';
import { renewalCallback, renewalDue, renewalReadyMail } from './renewal-jobs';

export type RenewalDueOutcome = 'offer-opened' | 'refused' | 'not-found';

/**
 * A token's renewal is due: ask the issuer to open an offer for the due time it scheduled, then deliver
 * the offer's callback and schedule the re-callback for when the offer's window passes unredeemed (the
 * issuer refuses that one if the offer was redeemed by then). A refusal is final; an unreachable issuer
 * is retried with backoff.
 */
@Injectable()
export class RenewalDueProcessor implements OnModuleInit {
  private readonly logger = new Logger(RenewalDueProcessor.name);

  constructor(
    private readonly issuer: IssuerClient,
    private readonly queues: JobQueues,
  ) {}

  /** Workers start with the module, without waiting for the Kafka consumer to join its group. */
  onModuleInit(): void {
    this.queues.work(WorkerQueue.RenewalDue, (job) => this.process(job));
  }

  async process(job: Pick<Job<RenewalDueJob>, 'data'>): Promise<RenewalDueOutcome> {
    const { tokenId, dueAt } = job.data;
    const answer = await this.issuer.openRenewalOffer(tokenId, dueAt);
    switch (answer.kind) {
      case 'ok': {
        const offer = answer.value;
        const now = Date.now();
        if (offer.status === 'pending' && Date.parse(offer.windowEndsAt) > now) {
          // Without a callback URL (seed 003), the mail recipient is told and the owner redeems the
          // offer in the console: no callback is attempted.
          await this.queues.enqueue(
            offer.delivery === 'console' ? renewalReadyMail(offer, now) : renewalCallback(offer, now),
          );
        }
        if (offer.status === 'pending' || offer.status === 'expired') {
          await this.queues.enqueue(renewalDue(tokenId, offer.nextRenewalAt));
        }
        this.logger.log({
          msg: 'renewal offer open',
          tokenId,
          offerId: offer.id,
          status: offer.status,
          windowEndsAt: offer.windowEndsAt,
          nextRenewalAt: offer.nextRenewalAt,
        });
        return 'offer-opened';
      }
      case 'refused':
        this.logger.log({ msg: 'renewal refused by the issuer', tokenId, dueAt, code: answer.code });
        return 'refused';
      case 'not-found':
        this.logger.log({ msg: 'renewal for an unknown token dropped', tokenId, dueAt });
        return 'not-found';
      case 'transient':
        throw new Error(`opening the renewal offer failed: ${answer.error}`);
    }
  }
}
