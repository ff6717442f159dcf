import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { clearSession, loadSession, saveSession, type Session, sessionFromJwt } from './session';

interface AuthState {
  session: Session | null;
  signIn: (accessToken: string, via: Session['via']) => void;
  signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children, initial }: { children: ReactNode; initial?: Session | null }) {
  const [session, setSession] = useState<Session | null>(() =>
    initial === undefined ? loadSession() : initial,
  );
  const signIn = useCallback((accessToken: string, via: Session['via']) => {
    const next = sessionFromJwt(accessToken, via);
    saveSession(next);
    setSession(next);
  }, []);
  const signOut = useCallback(() => {
    clearSession();
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

export function isManager(session: Session | null): boolean {
  return session?.role === 'owner' || session?.role === 'admin';
}
