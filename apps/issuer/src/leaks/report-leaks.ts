import { Injectable, Logger } from '@nestjs/common';
import { hashToken, parseToken } from '@latchkey/token-format';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TokenRevocation } from '../tokens/token-revocation';
import { tokenStatus } from '../tokens/token-view';
import { TokensRepository } from '../tokens/tokens.repository';
import { type LeakFinding, type LeakOutcome, outcomeOf, type ReportedLeak } from './leak-report';

/** Who revokes a reported token: the TokenRevoked event and the audit log name it as the actor. */
export const SECRET_SCANNING_ACTOR = 'system:secret-scanning';
/** The reporter recorded with every leak that came through `POST /v1/leaks`. */
export const LEAK_REPORTER = 'github-secret-scanning';

/**
 * `POST /v1/leaks`, once the report is authenticated: each live token it lists is revoked at once
 * (reason `leaked`, the URL and source kept in the event and so in the audit log; the worker mails its
 * owner and technical owner), in its own unit of work on the priority pool, before the answer is sent.
 * Tokens are found by their SHA-256 across tenants; a string not shaped like a token costs no lookup.
 * Reports of the same token at the same time queue on its row lock: one revokes, the others find it
 * revoked. A revocation that cannot reach the verifiers fails the request (503) and the scanner sends
 * the report again; what was revoked before stays revoked and is then answered as a true positive.
 */
@Injectable()
export class ReportLeaks {
  private readonly logger = new Logger(ReportLeaks.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly revocation: TokenRevocation,
  ) {}

  async execute(leaks: ReportedLeak[]): Promise<LeakOutcome[]> {
    const outcomes: LeakOutcome[] = [];
    const counts: Partial<Record<LeakFinding, number>> = {};
    const revoked: string[] = [];
    for (const leak of leaks) {
      const { finding, tokenId } = await this.handle(leak);
      counts[finding] = (counts[finding] ?? 0) + 1;
      if (finding === 'revoked' && tokenId) revoked.push(tokenId);
      outcomes.push(outcomeOf(leak, finding));
    }
    // Ids and counts only: a reported string is never logged, whether it is one of ours or not.
    this.logger.log({
      msg: 'leak report handled',
      tokens: leaks.length,
      ...counts,
      revokedTokenIds: revoked,
    });
    return outcomes;
  }

  private async handle(leak: ReportedLeak): Promise<{ finding: LeakFinding; tokenId?: string }> {
    const parsed = parseToken(leak.token);
    if (!parsed.ok) return { finding: 'malformed' };
    const now = new Date();
    return this.unitOfWork.run(
      async (tx) => {
        const record = await this.tokens.lockByHash(tx, hashToken(parsed.token));
        if (!record) return { finding: 'unknown' as const };
        const status = tokenStatus(record, now);
        if (status === 'revoked') return { finding: 'already_revoked' as const, tokenId: record.id };
        if (status === 'expired') return { finding: 'expired' as const, tokenId: record.id };
        await this.revocation.revokeLocked(
          tx,
          record,
          {
            revokedBy: SECRET_SCANNING_ACTOR,
            reason: 'leaked',
            leak: { reporter: LEAK_REPORTER, type: leak.type, url: leak.url, source: leak.source },
          },
          now,
        );
        return { finding: 'revoked' as const, tokenId: record.id };
      },
      { priority: true },
    );
  }
}
