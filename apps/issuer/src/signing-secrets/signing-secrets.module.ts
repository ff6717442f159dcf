import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SigningSecretsController } from './signing-secrets.controller';
import { SigningSecretsService } from './signing-secrets.service';

/**
 * The tenants' callback signing secrets: created and rotated by owners and admins; `signingKeys` gives
 * renewal deliveries the secrets to sign with, `hasSigningSecret` lets tokens require one for auto-renewal.
 */
@Module({
  imports: [AuthModule],
  controllers: [SigningSecretsController],
  providers: [SigningSecretsService],
  exports: [SigningSecretsService],
})
export class SigningSecretsModule {}
