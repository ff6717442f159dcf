import { Inject, Injectable } from '@nestjs/common';
import { toCachedTokenState, tokenStateKey } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { VerifierCacheWriter } from '../infrastructure/verifier-cache';
import type { Token } from './token.entity';

/**
 * Writes a token's authoritative state into the verifiers' shared cache. Revocation calls this inside
 * its transaction, before commit: verifiers only add missing entries (SET NX), so once this returns no
 * verifier can answer from an older "active" entry, and a verifier that read the row just before the
 * commit cannot overwrite it. The entry is sealed, and acknowledged by a replica when Redis has any
 * (`VerifierCacheWriter`).
 */
@Injectable()
export class TokenStateCache {
  constructor(
    private readonly writer: VerifierCacheWriter,
    @Inject(ISSUER_CONFIG) private readonly config: Pick<IssuerConfig, 'REDIS_KEY_PREFIX'>,
  ) {}

  async publish(token: Token): Promise<void> {
    await this.writer.write(
      tokenStateKey(this.config.REDIS_KEY_PREFIX, token.tokenHash),
      toCachedTokenState(token),
    );
  }
}
