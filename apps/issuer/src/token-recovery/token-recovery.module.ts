import { Module } from '@nestjs/common';
import { RecoverableTokensRepository } from './recoverable-tokens.repository';
import { TokenRecoveryStore } from './token-recovery.store';

/**
 * Recoverable tokens (seed 003), the store only: token issuance keeps copies through it, the tenant
 * policy deletes them when switched off, and the reveal use case (tokens) opens them.
 */
@Module({
  providers: [RecoverableTokensRepository, TokenRecoveryStore],
  exports: [TokenRecoveryStore],
})
export class TokenRecoveryModule {}
