import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard, CurrentAdmin } from '../auth/admin-auth.guard';
import type { AdminPrincipal } from '../auth/admin-principal';
import { ApiProblems } from '../openapi';
import { CreatedSigningSecretResponse, SigningSecretListResponse } from './dto/signing-secret.response';
import {
  type CreatedSigningSecret,
  type SigningSecretView,
  SigningSecretsService,
} from './signing-secrets.service';
import { NoStore } from '../infrastructure/no-store';

@ApiTags('tenant')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@Controller('v1/tenant/signing-secrets')
@UseGuards(AdminAuthGuard)
export class SigningSecretsController {
  constructor(private readonly secrets: SigningSecretsService) {}

  @ApiOperation({
    summary: 'Create or rotate the callback signing secret',
    description:
      'Auto-renewal callbacks are signed with HMAC-SHA256 under this secret (`Latchkey-Signature` header). ' +
      'The first call creates it; later calls rotate it: the previous secret keeps signing beside the new ' +
      'one until `previous.retiresAt`, so your receiver can switch without a gap. The plaintext `secret` ' +
      'is in this response only. Owners and admins; others get 403 `FORBIDDEN_ROLE`.',
  })
  @ApiCreatedResponse({
    type: CreatedSigningSecretResponse,
    description: 'The new secret, with its plaintext.',
  })
  @Post()
  @HttpCode(201)
  @NoStore()
  create(@CurrentAdmin() admin: AdminPrincipal): Promise<CreatedSigningSecret> {
    return this.secrets.create(admin);
  }

  @ApiOperation({
    summary: 'List the callback signing secrets in use',
    description:
      'The current secret and rotated ones that still sign, newest first; never the secrets themselves. ' +
      'Owners and admins; others get 403 `FORBIDDEN_ROLE`.',
  })
  @ApiOkResponse({ type: SigningSecretListResponse, description: 'The secrets that sign callbacks now.' })
  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal): Promise<{ items: SigningSecretView[] }> {
    return this.secrets.list(admin);
  }
}
