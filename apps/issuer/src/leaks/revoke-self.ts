import { Injectable, Logger } from '@nestjs/common';
import { hashToken, parseToken } from '@latchkey/token-format';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TokenRevocation } from '../tokens/token-revocation';
import { tokenStatus } from '../tokens/token-view';
import { TokensRepository } from '../tokens/tokens.repository';
import { LeakError, LeakErrorCode } from './leaks.errors';

/** The actor of a revocation by a token's holder: the token itself. */
export const holderActor = (tokenId: string): string => `token:${tokenId}`;

/**
 * `POST /v1/tokens/revoke-self`: whoever holds a token revokes it by presenting it (seed 002's holder
 * who notices a leak, without an admin at hand). A live token is revoked (reason `holder`, the token as
 * the actor; its owner and technical owner are mailed); an unknown, revoked or expired one changes
 * nothing, and the caller is answered the same either way: the answer says nothing about a token the
 * caller could not already test at a verifier. Only the shape (prefix, length, checksum) is refused.
 */
@Injectable()
export class RevokeSelf {
  private readonly logger = new Logger(RevokeSelf.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly revocation: TokenRevocation,
  ) {}

  async execute(presented: string): Promise<void> {
    const parsed = parseToken(presented);
    if (!parsed.ok) {
      throw new LeakError(
        LeakErrorCode.TokenMalformed,
        'Present a Latchkey token: lk_ followed by 49 letters and digits (its checksum included).',
      );
    }
    const now = new Date();
    const revokedId = await this.unitOfWork.run(
      async (tx) => {
        const record = await this.tokens.lockByHash(tx, hashToken(parsed.token));
        if (!record || tokenStatus(record, now) !== 'active') return null;
        await this.revocation.revokeLocked(
          tx,
          record,
          { revokedBy: holderActor(record.id), reason: 'holder' },
          now,
        );
        return record.id;
      },
      { priority: true },
    );
    if (revokedId !== null) this.logger.log({ msg: 'token revoked by its holder', tokenId: revokedId });
  }
}
