import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError, isSafeText } from '@latchkey/service-runtime';
import { looksLikeToken } from '@latchkey/token-format';
import { ISSUER_CONFIG, type IssuerConfig } from '../config';
import { type AdminPrincipal, ROLES, type Role } from './admin-principal';
import { AuthError, AuthErrorCode } from './auth.errors';

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/**
 * Verifies the identity provider's JWT: against its JWKS when ADMIN_JWKS_URL is set, otherwise with the
 * HS256 development secret. API tokens are never accepted: managing tokens needs a real sign-in.
 */
@Injectable()
export class AdminJwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(@Inject(ISSUER_CONFIG) private readonly config: IssuerConfig) {
    if (config.ADMIN_JWKS_URL) {
      this.key = createRemoteJWKSet(new URL(config.ADMIN_JWKS_URL), { cooldownDuration: 30_000 });
      this.algorithms = ASYMMETRIC_ALGORITHMS;
    } else {
      this.key = new TextEncoder().encode(config.ADMIN_JWT_SECRET);
      this.algorithms = ['HS256'];
    }
  }

  async verify(authorization: string | undefined): Promise<AdminPrincipal> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!bearer) {
      throw new AuthError(
        AuthErrorCode.Unauthenticated,
        'Send an admin JWT as "Authorization: Bearer <jwt>".',
      );
    }
    if (looksLikeToken(bearer)) {
      throw new AuthError(
        AuthErrorCode.ApiTokenNotAccepted,
        'API tokens cannot manage tokens. Sign in through your identity provider and use its JWT.',
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(bearer, this.key as Uint8Array, {
        algorithms: this.algorithms,
        issuer: this.config.ADMIN_JWT_ISSUER,
        audience: this.config.ADMIN_JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: 5,
      }));
    } catch (error) {
      const reason = error instanceof errors.JOSEError ? error.code : 'ERR_UNKNOWN';
      throw new AuthError(AuthErrorCode.InvalidAdminToken, `The admin JWT was rejected (${reason}).`);
    }
    return toPrincipal(payload);
  }
}

function toPrincipal(payload: JWTPayload): AdminPrincipal {
  const {
    sub,
    tid,
    role,
    email,
    email_verified: emailVerified,
    auth_time: authTime,
  } = payload as JWTPayload & Record<string, unknown>;
  // Signed is not sane: identities become rows, keys and log lines, so the same text rules as any input.
  for (const [claim, value] of [
    ['sub', sub],
    ['tid', tid],
    ['email', email],
  ] as const) {
    if (typeof value === 'string' && !isSafeText(value)) {
      throw new DomainError(
        'INVALID_CHARACTERS',
        400,
        `The admin JWT's \`${claim}\` claim contains a control character (such as NUL) or a lone UTF-16 surrogate.`,
        { location: `jwt.${claim}` },
      );
    }
  }
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255) {
    throw new AuthError(AuthErrorCode.InvalidAdminToken, 'The admin JWT has no valid `sub` claim.');
  }
  if (typeof tid !== 'string' || tid.length === 0 || tid.length > 255) {
    throw new AuthError(AuthErrorCode.InvalidAdminToken, 'The admin JWT has no valid `tid` (tenant) claim.');
  }
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
    throw new AuthError(
      AuthErrorCode.InvalidAdminToken,
      `The admin JWT's \`role\` must be one of ${ROLES.join(', ')}.`,
    );
  }
  return {
    userId: sub,
    tenantId: tid,
    role: role as Role,
    email: typeof email === 'string' ? email : null,
    emailVerified: emailVerified === true,
    authTime: typeof authTime === 'number' && Number.isFinite(authTime) ? authTime : null,
  };
}
