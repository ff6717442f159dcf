import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AUTO_RENEWAL_ACTOR, type InternalTokenState } from '@latchkey/contracts';
import { WORKER_CONFIG, type WorkerConfig } from '../config';
import { IssuerClient } from '../issuer/issuer-client';
import { JobQueues } from '../queues/job-queues';
import { type MailJob, WorkerQueue } from '../queues/worker-queues';
import { reminderStillApplies } from '../reminders/reminder-plan';
import { type MailFacts, renderMail } from './mail-templates';
import { MailTransport } from './mail-transport';

export type MailOutcome = 'sent' | 'skipped';

type Resolved = { to: string; facts: MailFacts } | { skip: string };

/**
 * Sends one notification mail. The job names the tokens; the recipient and the names are read from the
 * issuer at send time, so a mail goes to the current recipient and is dropped when it no longer applies.
 * An unreachable issuer or SMTP server fails the job, which is retried with backoff.
 */
@Injectable()
export class MailProcessor implements OnModuleInit {
  private readonly logger = new Logger(MailProcessor.name);

  constructor(
    private readonly issuer: IssuerClient,
    private readonly queues: JobQueues,
    private readonly transport: MailTransport,
    @Inject(WORKER_CONFIG) private readonly config: Pick<WorkerConfig, 'CONSOLE_PUBLIC_URL'>,
  ) {}

  /** Workers start with the module, without waiting for the Kafka consumer to join its group. */
  onModuleInit(): void {
    const { metrics } = this.queues;
    this.queues.work(WorkerQueue.Mail, (job) =>
      metrics === undefined ? this.process(job) : metrics.mail(job.data.kind, this.process(job)),
    );
  }

  async process(job: Pick<Job<MailJob>, 'data' | 'id'>): Promise<MailOutcome> {
    const resolved = await this.resolve(job.data);
    if ('skip' in resolved) {
      this.logger.log({ msg: 'mail skipped', kind: job.data.kind, jobId: job.id, reason: resolved.skip });
      return 'skipped';
    }
    const { subject, text } = renderMail(resolved.facts, {
      consoleUrl: this.config.CONSOLE_PUBLIC_URL,
    });
    await this.transport.send({
      to: resolved.to,
      subject,
      text,
      messageId: `<${job.id ?? `${job.data.kind}-${Date.now()}`}@latchkey.worker>`,
    });
    this.logger.log({ msg: 'mail sent', kind: job.data.kind, jobId: job.id });
    return 'sent';
  }

  private async resolve(data: MailJob): Promise<Resolved> {
    switch (data.kind) {
      case 'renewed': {
        const old = await this.issuer.currentTokenState(data.oldTokenId);
        if (old === undefined) return { skip: 'the renewed token is unknown' };
        const successor = await this.issuer.currentTokenState(data.newTokenId);
        const to = old.autoRenewal?.mailRecipient ?? successor?.autoRenewal?.mailRecipient;
        if (!to) return { skip: 'the token has no renewal mail recipient' };
        const settings = successor?.autoRenewal ?? old.autoRenewal;
        return {
          to,
          facts: {
            kind: 'renewed',
            tokenName: old.name,
            oldTokenId: old.id,
            oldTokenEndsAt: data.oldTokenEndsAt,
            newTokenId: data.newTokenId,
            newTokenExpiresAt: successor?.expiresAt ?? null,
            // Renewed by the issuer with nobody redeeming: a token without a callback in a tenant that
            // keeps tokens recoverable (seed 003). Its owner copies the successor in the console.
            copyInConsole: data.renewedBy === AUTO_RENEWAL_ACTOR && settings?.callbackUrl === null,
          },
        };
      }
      case 'callback-failed': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        if (token === undefined || token.status !== 'active')
          return { skip: 'the token is no longer active' };
        const to = token.autoRenewal?.mailRecipient;
        if (!to) return { skip: 'the token has no renewal mail recipient' };
        return {
          to,
          facts: {
            kind: 'callback-failed',
            tokenName: token.name,
            tokenId: token.id,
            windowEndsAt: data.windowEndsAt,
            nextRenewalAt: data.nextRenewalAt,
            lastError: data.lastError,
          },
        };
      }
      case 'renewal-ready': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        if (token === undefined || token.status !== 'active' || token.replacedByTokenId !== null) {
          return { skip: 'the token is no longer renewable' };
        }
        if (Date.now() >= Date.parse(data.windowEndsAt)) return { skip: 'the redeem window has ended' };
        const to = token.autoRenewal?.mailRecipient;
        if (!to) return { skip: 'the token has no renewal mail recipient' };
        return {
          to,
          facts: {
            kind: 'renewal-ready',
            tokenName: token.name,
            tokenId: token.id,
            windowEndsAt: data.windowEndsAt,
            nextRenewalAt: data.nextRenewalAt,
          },
        };
      }
      case 'expiry-reminder': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        if (token === undefined || !reminderStillApplies(token, data.expiresAt) || !token.createdByEmail) {
          return { skip: 'the reminder no longer applies' };
        }
        return {
          to: token.createdByEmail,
          facts: {
            kind: 'expiry-reminder',
            tokenName: token.name,
            tokenId: token.id,
            days: data.days,
            expiresAt: data.expiresAt,
          },
        };
      }
      case 'technical-owner-rotated': {
        const old = await this.issuer.currentTokenState(data.oldTokenId);
        // The recipient at send time: one removed since the rotation is not mailed.
        const owner = old?.technicalOwner;
        if (old === undefined || !owner) return { skip: 'the token has no technical owner' };
        return {
          to: owner.email,
          facts: {
            kind: 'technical-owner-rotated',
            tokenName: old.name,
            technicalOwnerName: owner.name,
            oldTokenId: old.id,
            oldTokenEndsAt: data.oldTokenEndsAt,
            newTokenId: data.newTokenId,
            rotatedBy: data.rotatedBy,
          },
        };
      }
      case 'technical-owner-revoked': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        const owner = token?.technicalOwner;
        if (token === undefined || !owner) return { skip: 'the token has no technical owner' };
        return {
          to: owner.email,
          facts: {
            kind: 'technical-owner-revoked',
            tokenName: token.name,
            technicalOwnerName: owner.name,
            tokenId: token.id,
            revokedBy: data.revokedBy,
            revokedAt: data.revokedAt,
            reason: data.reason,
          },
        };
      }
      case 'idle-warning': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        if (token === undefined || token.status !== 'active')
          return { skip: 'the token is no longer active' };
        const addressee = addresseeOf(token, data.recipient);
        if (addressee === undefined) return { skip: `the token has no ${data.recipient} address` };
        return {
          to: addressee.to,
          facts: {
            kind: 'idle-warning',
            tokenName: token.name,
            tokenId: token.id,
            technicalOwnerName: addressee.technicalOwnerName,
            recipient: data.recipient,
            idleSince: data.idleSince,
            revokeAt: data.revokeAt,
          },
        };
      }
      case 'token-revealed': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        if (token === undefined || !token.createdByEmail) return { skip: 'the owner has no email address' };
        return {
          to: token.createdByEmail,
          facts: {
            kind: 'token-revealed',
            tokenName: token.name,
            tokenId: token.id,
            revealedBy: data.revealedBy,
            revealedAt: data.revealedAt,
          },
        };
      }
      case 'leak-revoked': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        if (token === undefined) return { skip: 'the token is unknown' };
        const addressee = addresseeOf(token, data.recipient);
        if (addressee === undefined) return { skip: `the token has no ${data.recipient} address` };
        return {
          to: addressee.to,
          facts: {
            kind: 'leak-revoked',
            tokenName: token.name,
            tokenId: token.id,
            technicalOwnerName: addressee.technicalOwnerName,
            recipient: data.recipient,
            reason: data.reason,
            revokedAt: data.revokedAt,
            url: data.url,
            source: data.source,
          },
        };
      }
      case 'revoked-by-other': {
        const token = await this.issuer.currentTokenState(data.tokenId);
        if (token === undefined || !token.createdByEmail) return { skip: 'the owner has no email address' };
        return {
          to: token.createdByEmail,
          facts: {
            kind: 'revoked-by-other',
            tokenName: token.name,
            tokenId: token.id,
            revokedBy: data.revokedBy,
            revokedAt: data.revokedAt,
            reason: data.reason,
          },
        };
      }
    }
  }
}

/**
 * Where a mail meant for a token's owner or for its technical owner goes, and the technical owner's name
 * when the mail is theirs (null for the owner's); undefined when that person has no address.
 */
function addresseeOf(
  token: InternalTokenState,
  recipient: 'owner' | 'technical-owner',
): { to: string; technicalOwnerName: string | null } | undefined {
  const technicalOwner = token.technicalOwner;
  const to = recipient === 'owner' ? token.createdByEmail : technicalOwner?.email;
  if (!to) return undefined;
  return { to, technicalOwnerName: recipient === 'technical-owner' ? (technicalOwner?.name ?? null) : null };
}
