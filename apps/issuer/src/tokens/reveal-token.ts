import { Inject, Injectable } from '@nestjs/common';
import { EventType } from '@latchkey/contracts';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import { UnitOfWork } from '../outbox/unit-of-work';
import { TenantPolicyService } from '../tenants/tenant-policy.service';
import { RecoverableTokenUnreadableError } from '../token-recovery/token-recovery-cipher';
import { TokenRecoveryStore } from '../token-recovery/token-recovery.store';
import type { Token } from './token.entity';
import { assertTokenOwner, scopeOf, tokenNotFound } from './token-rules';
import { tokenStatus } from './token-view';
import { TokenError, TokenErrorCode } from './tokens.errors';
import { TokensRepository } from './tokens.repository';

/** What `POST /v1/tokens/:id/reveal` answers: the plaintext again, for its owner only. */
export interface RevealedToken {
  id: string;
  token: string;
  revealedAt: string;
}

/** An `auth_time` this far ahead of our clock is still accepted (identity provider clock skew). */
const AUTH_TIME_SKEW_SECONDS = 5;

/**
 * Throws FRESH_SIGN_IN_REQUIRED (401) unless the caller signed in at most `maxAgeSeconds` ago: a
 * session left open, or a JWT stolen from one, is not enough to see a token again (seed 003 flow).
 */
export function assertFreshSignIn(principal: AdminPrincipal, now: Date, maxAgeSeconds: number): void {
  const nowSeconds = now.getTime() / 1000;
  const authTime = principal.authTime ?? null;
  if (
    authTime === null ||
    authTime > nowSeconds + AUTH_TIME_SKEW_SECONDS ||
    nowSeconds - authTime > maxAgeSeconds
  ) {
    throw new TokenError(
      TokenErrorCode.FreshSignInRequired,
      `Sign in again to reveal a token: it needs a sign-in within the last ${maxAgeSeconds} seconds.`,
      { maxAuthAgeSeconds: maxAgeSeconds },
    );
  }
}

/** Only the owner's live token is revealed: 403 NOT_TOKEN_OWNER, 409 TOKEN_REVOKED or TOKEN_EXPIRED. */
export function assertRevealable(principal: AdminPrincipal, token: Token, now: Date): void {
  assertTokenOwner(principal, token, 'reveal it');
  const status = tokenStatus(token, now);
  if (status !== 'active') {
    throw new TokenError(
      status === 'revoked' ? TokenErrorCode.Revoked : TokenErrorCode.Expired,
      `This token is ${status}; it is not revealed any more.`,
    );
  }
}

/**
 * `POST /v1/tokens/:id/reveal` (seed 003: "In the detail view below the token, click on Copy"): the
 * plaintext of a token issued while its tenant kept recoverable tokens, for its owner, after a fresh
 * sign-in. Every reveal is announced (TokenRevealed: the audit log records it, the worker mails the
 * owner) in the same transaction that reads the copy: no plaintext leaves without its event committed.
 */
@Injectable()
export class RevealToken {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: TokensRepository,
    private readonly recovery: TokenRecoveryStore,
    private readonly policies: TenantPolicyService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async execute(principal: AdminPrincipal, id: string): Promise<RevealedToken> {
    const now = new Date();
    assertFreshSignIn(principal, now, this.config.TOKEN_REVEAL_MAX_AUTH_AGE_SECONDS);
    return this.unitOfWork.run(async (tx) => {
      const governance = await this.policies.governance(principal.tenantId, tx);
      const record = await this.tokens.lockVisible(tx, scopeOf(principal, governance), id);
      if (!record) throw tokenNotFound(id);
      assertRevealable(principal, record, now);
      const plaintext = await this.open(id, tx);
      if (plaintext === null) {
        throw new TokenError(
          TokenErrorCode.NotRecoverable,
          'This token was shown once, when it was issued, and is not kept: it cannot be revealed. ' +
            'Rotate it to get a new one.',
        );
      }
      tx.emit(EventType.TokenRevealed, {
        subject: id,
        tenantId: record.tenantId,
        time: now,
        data: { tokenId: id, revealedBy: principal.userId, revealedAt: now.toISOString() },
      });
      return { id, token: plaintext, revealedAt: now.toISOString() };
    });
  }

  /** The kept plaintext, or null; a copy no configured key opens is a clear 409, not a 500. */
  private async open(id: string, tx: Tx): Promise<string | null> {
    try {
      return await this.recovery.open(id, tx);
    } catch (error) {
      if (!(error instanceof RecoverableTokenUnreadableError)) throw error;
      throw new TokenError(
        TokenErrorCode.NotRecoverable,
        'The kept copy of this token cannot be decrypted with the keys this Latchkey has (its key was ' +
          'retired, or the copy was altered). Rotate the token to get a new one.',
      );
    }
  }
}
