import { Inject, Injectable } from '@nestjs/common';
import type { AutoRenewalSettings } from '@latchkey/contracts';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { SigningSecretsService } from '../signing-secrets/signing-secrets.service';
import { assertCallbackUrlAllowed, type AutoRenewalColumns, autoRenewalSettingsOf } from './auto-renewal';
import type { AutoRenewalDto, AutoRenewalPatchDto } from './dto/auto-renewal.dto';
import { TokenError, TokenErrorCode } from './tokens.errors';

/**
 * Checks auto-renewal settings before they are saved (seed 003). A callback URL must pass the SSRF
 * guard (400 CALLBACK_URL_REFUSED) and the tenant must have a signing secret to sign callbacks with
 * (409 SIGNING_SECRET_REQUIRED). Without a callback URL (the seed makes it optional) neither applies:
 * the renewal is announced to the mail recipient and redeemed in the console, so a recipient is then
 * required (422 AUTO_RENEWAL_UNREACHABLE): a renewal nobody hears of would only lapse, window after
 * window. Runs before any transaction: it resolves a host name.
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
      callbackUrl: request.callbackUrl ?? null,
      mailRecipient: request.mailRecipient ?? null,
    };
    if (settings.callbackUrl === null) {
      if (settings.mailRecipient === null) {
        throw new TokenError(
          TokenErrorCode.AutoRenewalUnreachable,
          'Auto-renewal needs someone to hand the renewed token to: set a callbackUrl (a signed callback ' +
            'to your system), a mailRecipient (told by mail; the owner redeems the renewal in the ' +
            'console), or both.',
        );
      }
      return settings;
    }
    await assertCallbackUrlAllowed(settings.callbackUrl, { allowList: this.config.CALLBACK_ALLOW_LIST });
    if (!(await this.signingSecrets.hasSigningSecret(tenantId, now))) {
      throw new TokenError(
        TokenErrorCode.SigningSecretRequired,
        'Auto-renewal callbacks are signed with your tenant’s signing secret, and it has none yet. ' +
          'Create one at POST /v1/tenant/signing-secrets, then try again, or leave out callbackUrl to ' +
          'have renewals announced by mail and redeemed in the console.',
      );
    }
    return settings;
  }

  /**
   * `PATCH`'s merge of `patch` over the token's current settings, then checked as a whole: an omitted
   * field keeps its value, null clears it. Switching auto-renewal on needs `everyDays`.
   */
  acceptPatch(
    tenantId: string,
    current: AutoRenewalColumns,
    patch: AutoRenewalPatchDto,
    now: Date,
  ): Promise<AutoRenewalSettings> {
    const existing = autoRenewalSettingsOf(current);
    const everyDays = patch.everyDays ?? existing?.everyDays;
    if (everyDays === undefined) {
      throw new TokenError(
        TokenErrorCode.AutoRenewalIncomplete,
        'The token has no auto-renewal yet: switching it on needs everyDays.',
      );
    }
    return this.accept(
      tenantId,
      {
        everyDays,
        callbackUrl: patch.callbackUrl === undefined ? (existing?.callbackUrl ?? null) : patch.callbackUrl,
        mailRecipient:
          patch.mailRecipient === undefined ? (existing?.mailRecipient ?? null) : patch.mailRecipient,
      },
      now,
    );
  }
}
