/**
 * The signed-in person's admin JWT. It lives in sessionStorage (this tab only, gone when the tab
 * closes), never in localStorage or a cookie; the console never stores an API token anywhere.
 */
export interface Session {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  tenantId: string;
  userId: string;
  role: string;
  email: string | null;
  via: 'development' | 'oidc';
}

const KEY = 'latchkey.console.session';

/** The JWT's claims, for display only: the issuer verifies the signature on every call. */
export function sessionFromJwt(accessToken: string, via: Session['via']): Session {
  const [, payload] = accessToken.split('.');
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const claims = JSON.parse(json) as Record<string, unknown>;
  return {
    accessToken,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3_600_000,
    tenantId: text(claims.tid),
    userId: text(claims.sub),
    role: text(claims.role),
    email: typeof claims.email === 'string' ? claims.email : null,
    via,
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function loadSession(now = Date.now()): Session | null {
  try {
    const text = sessionStorage.getItem(KEY);
    if (!text) return null;
    const session = JSON.parse(text) as Session;
    if (session.expiresAt <= now) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
