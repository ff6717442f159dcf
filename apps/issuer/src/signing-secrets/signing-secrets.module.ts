import { Module } from '@nestjs/common';
import { SigningSecretsController } from './signing-secrets.controller';
import { SigningSecretsRepository } from './signing-secrets.repository';
import { SigningSecretsService } from './signing-secrets.service';

/**
 * The tenants' callback signing secrets: created and rotated by owners and admins; `signingKeys` gives
 * renewal deliveries the secrets to sign with, `hasSigningSecret` lets tokens require one for auto-renewal.
 */
@Module({
  controllers: [SigningSecretsController],
  providers: [SigningSecretsService, SigningSecretsRepository],
  exports: [SigningSecretsService],
})
export class SigningSecretsModule {}
