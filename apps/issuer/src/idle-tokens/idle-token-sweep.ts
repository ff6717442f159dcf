import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventType, type IdleSweepResult } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TokenRevocation } from '../tokens/token-revocation';
import { IdleTokensRepository, type IdleWarning } from './idle-tokens.repository';

/** Who revokes a token under the idle policy, as TokenRevoked and the audit log name it. */
export const IDLE_POLICY_ACTOR = 'system:idle-policy';

/** When the warned token will be revoked unless it is used: never less than the warning's lead. */
export function idleRevokeAt(warning: IdleWarning, now: Date, dayMs: number): Date {
  const byIdleness = warning.idleSince.getTime() + warning.idleRevokeAfterDays * dayMs;
  const byWarning = now.getTime() + warning.idleWarningDays * dayMs;
  return new Date(Math.max(byIdleness, byWarning));
}

/**
 * One sweep of the tenants' idle policies (`idleRevokeAfterDays`): warns the owners of tokens that
 * reach their warning point (TokenIdleWarning; the worker mails the owner and the technical owner),
 * then revokes the tokens whose warning has run out, with reason `idle`, through the one revoke path
 * (TokenRevoked, the verifiers' cache before commit). Batches of IDLE_SWEEP_BATCH_SIZE, one transaction
 * each. Safe to run on several instances at once: each token is claimed by one sweep only.
 */
@Injectable()
export class IdleTokenSweep {
  private readonly logger = new Logger(IdleTokenSweep.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly idleTokens: IdleTokensRepository,
    private readonly revocation: TokenRevocation,
    @Inject(ISSUER_CONFIG)
    private readonly config: Pick<IssuerConfig, 'IDLE_POLICY_DAY_MS' | 'IDLE_SWEEP_BATCH_SIZE'>,
  ) {}

  async run(now = new Date()): Promise<IdleSweepResult> {
    const warned: string[] = [];
    const revoked: string[] = [];
    for (;;) {
      const batch = await this.warnBatch(now);
      warned.push(...batch);
      if (batch.length < this.config.IDLE_SWEEP_BATCH_SIZE) break;
    }
    for (;;) {
      const batch = await this.revokeBatch(now);
      revoked.push(...batch);
      if (batch.length < this.config.IDLE_SWEEP_BATCH_SIZE) break;
    }
    if (warned.length > 0 || revoked.length > 0) {
      this.logger.log({ msg: 'idle sweep', warned, revoked });
    }
    return { warned, revoked };
  }

  private warnBatch(now: Date): Promise<string[]> {
    const dayMs = this.config.IDLE_POLICY_DAY_MS;
    return this.unitOfWork.run(async (tx) => {
      const warnings = await this.idleTokens.markWarned(tx, now, dayMs, this.config.IDLE_SWEEP_BATCH_SIZE);
      for (const warning of warnings) {
        tx.emit(EventType.TokenIdleWarning, {
          subject: warning.tokenId,
          tenantId: warning.tenantId,
          time: now,
          data: {
            tokenId: warning.tokenId,
            idleSince: warning.idleSince.toISOString(),
            revokeAt: idleRevokeAt(warning, now, dayMs).toISOString(),
            idleRevokeAfterDays: warning.idleRevokeAfterDays,
            ownerId: warning.ownerId,
            technicalOwner: warning.technicalOwnerEmail
              ? { email: warning.technicalOwnerEmail, name: warning.technicalOwnerName }
              : null,
          },
        });
      }
      return warnings.map((warning) => warning.tokenId);
    });
  }

  private revokeBatch(now: Date): Promise<string[]> {
    return this.unitOfWork.run(async (tx) => {
      const due = await this.idleTokens.lockDueForRevocation(
        tx,
        now,
        this.config.IDLE_POLICY_DAY_MS,
        this.config.IDLE_SWEEP_BATCH_SIZE,
      );
      for (const token of due) {
        await this.revocation.revokeLocked(tx, token, { revokedBy: IDLE_POLICY_ACTOR, reason: 'idle' }, now);
      }
      return due.map((token) => token.id);
    });
  }
}
