/**
 * The signed-in session: the access token in this origin's localStorage, so a reload keeps it. Only
 * scripts of this origin can read it (the same-origin policy), and the Content-Security-Policy lets
 * no script run here but the console's own files. It is forgotten at sign-out, on any 401, and once
 * the token's own expiry passes.
 */
const STORAGE_KEY = 'token-metering.session';

export interface Session {
  accessToken: string;
  /** Epoch milliseconds, from the token's `exp` claim. */
  expiresAt: number;
}

function expiryOf(accessToken: string): number {
  try {
    const payload = JSON.parse(atob(accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

export function readSession(): Session | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  const session = JSON.parse(raw) as Session;
  if (session.expiresAt <= Date.now()) {
    localStorage.removeItem(STORAGE_KEY);
    return null;
  }
  return session;
}

export function saveSession(accessToken: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ accessToken, expiresAt: expiryOf(accessToken) }));
}

export function clearSession(): void {
  localStorage.removeItem(STORAGE_KEY);
}
