import { join } from 'node:path';
import type { IssuerConfig } from '../config';

/** Where the built console (apps/console/dist) sits, relative to this file in src/ and in dist/ alike. */
export const DEFAULT_CONSOLE_DIST = join(__dirname, '..', '..', '..', 'console', 'dist');

export const CONSOLE_SETTINGS = Symbol('CONSOLE_SETTINGS');

/** What the console reads at start-up from `GET /console/config.json`: how people sign in. */
export interface ConsoleSettings {
  /** The development sign-in (pick tenant, user and role) is available. */
  devSignIn: boolean;
  /** OpenID Connect authorization code with PKCE against the identity provider, when configured. */
  oidc: { authority: string; clientId: string; audience: string | null; scope: string } | null;
}

/**
 * The development sign-in exists only while admins are authenticated with the HS256 development secret
 * (no identity provider's JWKS) and the issuer does not run in production.
 */
export function devSignInEnabled(
  config: Pick<IssuerConfig, 'ADMIN_JWT_SECRET' | 'ADMIN_JWKS_URL'>,
  nodeEnv: string | undefined = process.env.NODE_ENV,
): boolean {
  return (
    config.ADMIN_JWT_SECRET !== undefined && config.ADMIN_JWKS_URL === undefined && nodeEnv !== 'production'
  );
}

export function consoleSettings(
  config: Pick<
    IssuerConfig,
    | 'ADMIN_JWT_SECRET'
    | 'ADMIN_JWKS_URL'
    | 'ADMIN_JWT_AUDIENCE'
    | 'CONSOLE_OIDC_ISSUER_URL'
    | 'CONSOLE_OIDC_CLIENT_ID'
    | 'CONSOLE_OIDC_AUDIENCE'
    | 'CONSOLE_OIDC_SCOPE'
  >,
  nodeEnv: string | undefined = process.env.NODE_ENV,
): ConsoleSettings {
  const oidc =
    config.CONSOLE_OIDC_ISSUER_URL && config.CONSOLE_OIDC_CLIENT_ID
      ? {
          authority: config.CONSOLE_OIDC_ISSUER_URL,
          clientId: config.CONSOLE_OIDC_CLIENT_ID,
          audience: config.CONSOLE_OIDC_AUDIENCE ?? config.ADMIN_JWT_AUDIENCE ?? null,
          scope: config.CONSOLE_OIDC_SCOPE,
        }
      : null;
  return { devSignIn: devSignInEnabled(config, nodeEnv), oidc };
}
