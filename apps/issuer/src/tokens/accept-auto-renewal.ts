import { Inject, Injectable } from '@nestjs/common';
import type { AutoRenewalSettings } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import { assertCallbackUrlAllowed } from './auto-renewal';
import type { AutoRenewalDto } from './dto/auto-renewal.dto';
import { TokenError, TokenErrorCode } from './tokens.errors';

/**
 * Checks auto-renewal settings before they are saved (seed 003): the callback URL must pass the SSRF
 * guard (400 CALLBACK_URL_REFUSED) and the tenant must have a signing secret to sign callbacks with
 * (409 SIGNING_SECRET_REQUIRED). Runs before any transaction: it resolves a host name.
 */
@Injectable()
export class AutoRenewalAcceptance {
  constructor(
    private readonly signingSecrets: SigningSecretsService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async accept(tenantId: string, request: AutoRenewalDto, now: Date): Promise<AutoRenewalSettings> {
    const settings: AutoRenewalSettings = {
      everyDays: request.everyDays,
      callbackUrl: request.callbackUrl,
      mailRecipient: request.mailRecipient ?? null,
    };
    await assertCallbackUrlAllowed(settings.callbackUrl, { allowList: this.config.CALLBACK_ALLOW_LIST });
    if (!(await this.signingSecrets.hasSigningSecret(tenantId, now))) {
      throw new TokenError(
        TokenErrorCode.SigningSecretRequired,
        'Auto-renewal callbacks are signed with your tenant’s signing secret, and it has none yet. ' +
          'Create one at POST /v1/tenant/signing-secrets, then try again.',
      );
    }
    return settings;
  }
}
