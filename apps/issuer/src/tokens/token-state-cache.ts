import { Injectable } from '@nestjs/common';
import { toCachedTokenState } from '@latchkey/contracts';
import { type CacheWriteTx, VerifierCacheWriter } from '../infrastructure/verifier-cache';
import type { Token } from './token.entity';

/**
 * Writes a token's authoritative state into the verifiers' caches, inside the change's transaction,
 * before it commits (`VerifierCacheWriter`): once the change returns, no verifier answers from an older
 * state, from Redis or from memory.
 */
@Injectable()
export class TokenStateCache {
  constructor(private readonly writer: VerifierCacheWriter) {}

  async publish(tx: CacheWriteTx, token: Token): Promise<void> {
    await this.writer.propagate(tx, {
      tokens: [{ tokenHash: token.tokenHash, state: toCachedTokenState(token) }],
    });
  }
}
