import { Injectable } from '@nestjs/common';
import { EventType, type TokenRevocationReason } from '@latchkey/contracts';
import type { UnitOfWorkTx } from '../outbox/unit-of-work';
import type { Token } from './token.entity';
import { TokenIssuance } from './token-issuance';
import { TokenRenewalStops } from './token-renewal-stops';
import { technicalOwnerOf } from './technical-owner';
import { TokensRepository } from './tokens.repository';

/** Who revokes a token and why. */
export interface Revocation {
  /** The acting principal's id, or a service's (`system:idle-policy`). */
  revokedBy: string;
  reason: TokenRevocationReason;
  now: Date;
}

/**
 * The one way a token is revoked, whoever revokes it (an admin, the idle policy): the row, the pending
 * renewals stopped, TokenRevoked with its reason, and the verifiers' cache written before commit, all in
 * the caller's unit of work. `record` must be locked in `tx` and still active.
 */
@Injectable()
export class TokenRevocation {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly issuance: TokenIssuance,
    private readonly renewalStops: TokenRenewalStops,
  ) {}

  async apply(tx: UnitOfWorkTx, record: Token, { revokedBy, reason, now }: Revocation): Promise<void> {
    const changes = { status: 'revoked' as const, revokedAt: now, revokedBy, renewalNextAt: null };
    Object.assign(record, changes);
    await this.tokens.update(tx, record.id, changes);
    await this.renewalStops.apply(tx, record.id, now);
    tx.emit(EventType.TokenRevoked, {
      subject: record.id,
      tenantId: record.tenantId,
      time: now,
      data: {
        tokenId: record.id,
        revokedBy,
        revokedAt: now.toISOString(),
        ownerId: record.createdBy,
        technicalOwner: technicalOwnerOf(record),
        reason,
      },
    });
    this.issuance.propagateBeforeCommit(tx, record);
  }
}
