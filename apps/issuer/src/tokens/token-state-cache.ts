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

  /** One token's state, or several tokens' in one write and one invalidation. */
  async publish(tx: CacheWriteTx, token: Token | readonly Token[]): Promise<void> {
    const tokens = Array.isArray(token) ? (token as readonly Token[]) : [token as Token];
    if (tokens.length === 0) return;
    await this.writer.propagate(tx, {
      tokens: tokens.map((t) => ({ tokenHash: t.tokenHash, state: toCachedTokenState(t) })),
    });
  }
}
