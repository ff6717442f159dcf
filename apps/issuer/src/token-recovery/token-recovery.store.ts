import { Inject, Injectable } from '@nestjs/common';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import type { Tx } from '../database/transaction';
import { RecoverableTokensRepository } from './recoverable-tokens.repository';
import {
  openRecoverableToken,
  sealRecoverableToken,
  type TokenRecoveryKeyring,
  tokenRecoveryKeyring,
} from './token-recovery-cipher';

/**
 * Where recoverable tokens are kept, encrypted under TOKEN_RECOVERY_KEY. The plaintext passes through
 * here and is never logged.
 */
@Injectable()
export class TokenRecoveryStore {
  private readonly keyring: TokenRecoveryKeyring | null;

  constructor(
    private readonly rows: RecoverableTokensRepository,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
  ) {
    this.keyring = config.TOKEN_RECOVERY_KEY
      ? tokenRecoveryKeyring(
          config.TOKEN_RECOVERY_KEY_ID,
          config.TOKEN_RECOVERY_KEY,
          config.TOKEN_RECOVERY_PREVIOUS_KEYS,
        )
      : null;
  }

  /** Whether TOKEN_RECOVERY_KEY is configured: without it no tenant can turn recoverable tokens on. */
  get available(): boolean {
    return this.keyring !== null;
  }

  /**
   * Keeps a new token's plaintext, encrypted, if its tenant has recoverable tokens on (read inside the
   * issuing transaction, so a concurrent switch-off that deletes the tenant's copies is not undone).
   * Returns whether it was kept.
   */
  async keepIfRecoverable(
    tx: Tx,
    tenantId: string,
    tokenId: string,
    plaintext: string,
    now: Date,
  ): Promise<boolean> {
    if (this.keyring === null || !(await this.rows.tenantKeepsTokens(tx, tenantId))) return false;
    await this.rows.insert(tx, {
      tokenId,
      tenantId,
      ciphertext: sealRecoverableToken(this.keyring, tokenId, plaintext),
      createdAt: now,
    });
    return true;
  }

  /**
   * Whether a token the tenant issues in `tx` now would be kept (read `FOR SHARE`, as issuance reads it,
   * so a concurrent switch-off waits for the transaction).
   */
  async keepsTokens(tx: Tx, tenantId: string): Promise<boolean> {
    return this.keyring !== null && (await this.rows.tenantKeepsTokens(tx, tenantId));
  }

  /** The token's plaintext, or null when none is kept for it (or no key is configured to open it). */
  async open(tokenId: string, tx?: Tx): Promise<string | null> {
    if (this.keyring === null) return null;
    const row = await this.rows.find(tokenId, tx);
    return row ? openRecoverableToken(this.keyring, tokenId, row.ciphertext) : null;
  }

  /** Deletes every kept copy of the tenant's tokens (the policy switched off); returns how many. */
  forgetTenant(tx: Tx, tenantId: string): Promise<number> {
    return this.rows.deleteTenant(tx, tenantId);
  }
}
