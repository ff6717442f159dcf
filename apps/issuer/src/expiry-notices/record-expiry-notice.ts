import { Injectable } from '@nestjs/common';
import { type ExpiryNoticeAnswer, EventType } from '@latchkey/contracts';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import type { Token } from '../tokens/token.entity';
import { technicalOwnerOf } from '../tokens/technical-owner';
import { TokenError, TokenErrorCode } from '../tokens/tokens.errors';
import { TokensRepository } from '../tokens/tokens.repository';
import { ExpiryNoticesRepository } from './expiry-notices.repository';

/** Whether an expiry notice for `expiresAt`, `daysBefore` days ahead, still applies to the token now. */
export function expiryNoticeApplies(
  token: Pick<Token, 'status' | 'expiresAt' | 'renewalEveryDays' | 'replacedByTokenId'>,
  expiresAt: Date,
  daysBefore: number,
  tenantDays: readonly number[] | null,
  now: Date,
): boolean {
  return (
    token.status === 'active' &&
    token.renewalEveryDays === null &&
    token.expiresAt !== null &&
    token.expiresAt.getTime() === expiresAt.getTime() &&
    expiresAt.getTime() > now.getTime() &&
    // The tenant's days when it chose some; the worker applies its default days otherwise.
    (tenantDays === null || tenantDays.includes(daysBefore))
  );
}

/**
 * `POST /internal/v1/tokens/:id/expiry-notices`: the worker is about to remind a token's owner of its
 * expiry. The notice is recorded and TokenExpiring announced in one transaction, once per token, expiry
 * and reminder day (a primary key), however often and by however many workers it is asked.
 */
@Injectable()
export class RecordExpiryNotice {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly policies: TenantPolicyService,
    private readonly notices: ExpiryNoticesRepository,
  ) {}

  execute(tokenId: string, expiresAt: Date, daysBefore: number): Promise<ExpiryNoticeAnswer> {
    const now = new Date();
    return this.unitOfWork.run(async (tx) => {
      const token = await this.tokens.lockById(tx, tokenId);
      if (!token) throw new TokenError(TokenErrorCode.NotFound, `No token ${tokenId}.`);
      const tenantDays = await this.policies.expiryReminderDays(token.tenantId, tx);
      if (!expiryNoticeApplies(token, expiresAt, daysBefore, tenantDays, now)) {
        return { outcome: 'not-applicable' };
      }
      const recorded = await this.notices.recordOnce(tx, {
        tokenId,
        expiresAt,
        daysBefore,
        tenantId: token.tenantId,
        noticedAt: now,
      });
      if (!recorded) return { outcome: 'already-recorded' };
      tx.emit(EventType.TokenExpiring, {
        subject: tokenId,
        tenantId: token.tenantId,
        time: now,
        data: {
          tokenId,
          expiresAt: expiresAt.toISOString(),
          daysBefore,
          ownerId: token.createdBy,
          technicalOwner: technicalOwnerOf(token),
        },
      });
      return { outcome: 'recorded' };
    });
  }
}
