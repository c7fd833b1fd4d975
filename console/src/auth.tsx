import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, SESSION_ENDED, unwrap, type Schemas } from './api/client';
import { ErrorNotice } from './components/notice';
import { clearSession, readSession, saveSession } from './session';

interface Auth {
  /** The signed-in user; null when signed out, undefined while the session is being checked. */
  me: Schemas['MeDto'] | null | undefined;
  signIn: (accessToken: string) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [signedIn, setSignedIn] = useState(() => readSession() !== null);
  const me = useQuery({ queryKey: ['me'], queryFn: async () => unwrap(await api.GET('/users/me')), enabled: signedIn });

  useEffect(() => {
    const ended = () => {
      setSignedIn(false);
      queries.clear();
    };
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, [queries]);

  const signIn = useCallback(
    (accessToken: string) => {
      queries.clear();
      saveSession(accessToken);
      setSignedIn(true);
    },
    [queries],
  );

  const signOut = useCallback(async () => {
    await api.POST('/auth/logout').catch(() => undefined);
    clearSession();
    queries.clear();
    setSignedIn(false);
  }, [queries]);

  return (
    <AuthContext.Provider value={{ me: signedIn ? me.data : null, signIn, signOut }}>
      {signedIn && me.isError ? <ErrorNotice error={me.error} onRetry={() => void me.refetch()} /> : children}
    </AuthContext.Provider>
  );
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}
