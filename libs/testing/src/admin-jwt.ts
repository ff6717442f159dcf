import { SignJWT } from 'jose';

export interface AdminClaims {
  tenantId: string;
  userId: string;
  role?: 'owner' | 'admin' | 'member';
  email?: string;
  emailVerified?: boolean;
  expiresIn?: string;
  /**
   * The `auth_time` claim (when the person signed in), epoch seconds: `'now'` for a fresh sign-in; absent
   * when not given, as from an identity provider that does not send it.
   */
  authTime?: number | 'now';
}

/** Signs an admin JWT the way the identity provider would (HS256 development mode). */
export async function signAdminJwt(secret: string, claims: AdminClaims): Promise<string> {
  return new SignJWT({
    tid: claims.tenantId,
    role: claims.role ?? 'admin',
    email: claims.email ?? `${claims.userId}@${claims.tenantId}.test`,
    email_verified: claims.emailVerified ?? true,
    ...(claims.authTime === undefined
      ? {}
      : { auth_time: claims.authTime === 'now' ? Math.floor(Date.now() / 1000) : claims.authTime }),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '15m')
    .sign(new TextEncoder().encode(secret));
}
