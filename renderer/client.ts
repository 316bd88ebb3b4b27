/** The one API client the screens use, wired to the session store. */
import type { CallFn } from '../domain/api.js';
import { createCall, defaultTransport, type ApiError } from './api.js';
import { useSession } from './stores/session.js';

const SIGN_IN_METHODS = new Set(['auth.signIn', 'auth.unlock', 'system.info', 'setup.init']);

function onError(method: string, err: ApiError): void {
  const s = useSession.getState();
  if (err.code === 'SESSION_LOCKED' && s.token) s.setLocked(true);
  else if (err.code === 'UNAUTHENTICATED' && !SIGN_IN_METHODS.has(method) && s.token) s.signedOut();
}

let current: CallFn | null = null;

/** Typed API call: `await call('till.status', {})`. */
export const call: CallFn = (method, input) => {
  current ??= createCall(defaultTransport(), {
    session: () => useSession.getState().token,
    onError,
    onSuccess: () => useSession.getState().contacted(),
  });
  return current(method, input);
};
