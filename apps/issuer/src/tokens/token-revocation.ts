import { Injectable } from '@nestjs/common';
import { EventType, type LeakReportFacts, type RevocationReason } from '@latchkey/contracts';
import type { UnitOfWorkTx } from '../outbox/unit-of-work';
import { TokenIssuance } from './token-issuance';
import { TokenRenewalStops } from './token-renewal-stops';
import { technicalOwnerOf } from './technical-owner';
import type { Token } from './token.entity';
import { TokensRepository } from './tokens.repository';

/** Who revokes a token and why, as the TokenRevoked event (and so the audit log) records it. */
export interface Revocation {
  /** The acting principal: a user id, `token:<id>` for its holder, `system:…` for a service (`system:idle-policy`). */
  revokedBy: string;
  /** Absent: `manual` (an admin or the owner). */
  reason?: RevocationReason;
  /** With reason `leaked`: what the scanner reported. */
  leak?: LeakReportFacts;
}

/**
 * The steps every revocation takes on a token already locked in the unit of work: the row changes,
 * pending renewals stop, TokenRevoked is announced and the verifiers' cache learns of it before commit.
 * The callers decide who may revoke; this only revokes.
 */
@Injectable()
export class TokenRevocation {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly issuance: TokenIssuance,
    private readonly renewalStops: TokenRenewalStops,
  ) {}

  async revokeLocked(tx: UnitOfWorkTx, record: Token, revocation: Revocation, now: Date): Promise<void> {
    await this.apply(tx, record, revocation, now);
    this.issuance.propagateBeforeCommit(tx, record);
  }

  /**
   * Several locked tokens at once (a bulk revoke): each as `revokeLocked` (its own TokenRevoked, so its
   * own audit entry and mails), their states written to the verifiers' cache in one write.
   */
  async revokeAllLocked(
    tx: UnitOfWorkTx,
    records: readonly Token[],
    revocation: Revocation,
    now: Date,
  ): Promise<void> {
    for (const record of records) await this.apply(tx, record, revocation, now);
    if (records.length > 0) this.issuance.propagateBeforeCommit(tx, records);
  }

  private async apply(tx: UnitOfWorkTx, record: Token, revocation: Revocation, now: Date): Promise<void> {
    const changes = {
      status: 'revoked' as const,
      revokedAt: now,
      revokedBy: revocation.revokedBy,
      renewalNextAt: null,
    };
    Object.assign(record, changes);
    await this.tokens.update(tx, record.id, changes);
    await this.renewalStops.apply(tx, record.id, now);
    tx.emit(EventType.TokenRevoked, {
      subject: record.id,
      tenantId: record.tenantId,
      time: now,
      data: {
        tokenId: record.id,
        revokedBy: revocation.revokedBy,
        revokedAt: now.toISOString(),
        ownerId: record.createdBy,
        technicalOwner: technicalOwnerOf(record),
        ...(revocation.reason === undefined ? {} : { reason: revocation.reason }),
        ...(revocation.leak === undefined ? {} : { leak: revocation.leak }),
      },
    });
  }
}
