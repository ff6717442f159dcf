import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { BASE } from '../lib/router';

export interface OidcSettings {
  authority: string;
  clientId: string;
  audience: string | null;
  scope: string;
}

/**
 * OpenID Connect authorization code with PKCE (oidc-client-ts) against the identity provider whose
 * JWKS the issuer trusts. Its state lives in sessionStorage; the access token becomes the session's
 * admin JWT.
 */
export function userManager(settings: OidcSettings): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: settings.authority,
    client_id: settings.clientId,
    redirect_uri: `${origin}${BASE}/callback`,
    post_logout_redirect_uri: `${origin}${BASE}/`,
    response_type: 'code',
    scope: settings.scope,
    extraQueryParams: settings.audience ? { audience: settings.audience } : {},
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
  });
}

export async function startOidcSignIn(settings: OidcSettings): Promise<void> {
  await userManager(settings).signinRedirect();
}

/** Completes the redirect back to /console/callback; resolves with the access token. */
export async function completeOidcSignIn(settings: OidcSettings): Promise<string> {
  const user = await userManager(settings).signinRedirectCallback();
  return user.access_token;
}
