/**
 * The steps between screens that need the server: start-up, resuming a
 * session (after a reload or an unlock), signing out.
 */
import { call } from './client.js';
import { isApiError } from './api.js';
import { useApp } from './stores/app.js';
import { useBasket } from './stores/basket.js';
import { useSession } from './stores/session.js';

/** First screen: setup when the counter is new, sign-in, or back where the clerk was. */
export async function boot(): Promise<void> {
  const info = await call('system.info', {});
  useSession.getState().setSystem(info);
  if (!info.setUp) {
    useApp.getState().go('setup');
    return;
  }
  if (!useSession.getState().token) {
    useApp.getState().go('signIn');
    return;
  }
  await resume();
}

/** With a session token: who am I, is my till open, and which screen fits. */
export async function resume(): Promise<void> {
  const session = useSession.getState();
  try {
    const me = await call('auth.me', {});
    session.setClerk(me.clerk, me.idleLockSeconds);
    // auth.me answers a locked session too (with till null); till.status does not, and so tells.
    const till = await call('till.status', {});
    session.setTill(till);
    const basket = useBasket.getState();
    if (!till) useApp.getState().go('openTill');
    else if (basket.receipt) useApp.getState().go('receipt');
    else if (basket.operationId && basket.lines.length > 0) {
      void basket.requote();
      useApp.getState().go('payment');
    } else {
      if (basket.lines.length > 0) void basket.requote();
      useApp.getState().go('counter');
    }
  } catch (e) {
    if (isApiError(e) && e.code === 'SESSION_LOCKED') return; // the lock screen is up; unlocking resumes
    if (isApiError(e) && (e.code === 'UNAUTHENTICATED' || e.code === 'CLERK_INACTIVE')) {
      useSession.getState().signedOut();
      useApp.getState().go('signIn');
      return;
    }
    throw e;
  }
}

export async function refreshTill(): Promise<void> {
  const till = await call('till.status', {});
  useSession.getState().setTill(till);
}

export async function signOut(): Promise<void> {
  try {
    await call('auth.signOut', {});
  } catch {
    // the session is gone either way
  }
  useSession.getState().signedOut();
  useBasket.getState().newCustomer();
  useApp.getState().go('signIn', { key: 'signIn.signedOut' });
}

export async function lockNow(): Promise<void> {
  const s = useSession.getState();
  if (!s.token || s.locked) return;
  s.setLocked(true);
  try {
    await call('auth.lock', {});
  } catch {
    // the screen is locked; the server locks on its own idle clock too
  }
}
