import { useQueryClient } from '@tanstack/react-query';
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
  // Nothing one person loaded may be shown to the next: every sign-in and sign-out empties the cache.
  const queryClient = useQueryClient();
  const signIn = useCallback(
    (accessToken: string, via: Session['via']) => {
      const next = sessionFromJwt(accessToken, via);
      queryClient.clear();
      saveSession(next);
      setSession(next);
    },
    [queryClient],
  );
  const signOut = useCallback(() => {
    clearSession();
    queryClient.clear();
    setSession(null);
  }, [queryClient]);
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
