/**
 * Sync with the centre, as the status bar sees it: the last 'sync.status'
 * answer, polled every few seconds while a clerk is signed in (faster while a
 * cycle runs, for the progress bar) and right after each checkout; and the
 * outcome of the last "Sync now". When the browser says the network is back
 * ('online'), a sync starts at once.
 *
 * The poll pauses while the clerk has been away from the keyboard for half
 * the idle-lock time: every answered call restarts the server's idle clock,
 * and a status bar must not keep an unattended session alive.
 */
import { create } from 'zustand';
import type { SyncRunView, SyncStatusView } from '../../domain/api.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';
import { useBasket } from './basket.js';
import { useSession } from './session.js';

/** Between polls while nothing runs. */
export const POLL_MS = 4000;
/** Between polls while a cycle runs (progress bar). */
export const FAST_POLL_MS = 600;

export type SyncOutcome = { ok: true; run: SyncRunView; at: number } | { ok: false; error: ApiError; at: number };

export interface SyncState {
  status: SyncStatusView | null;
  /** 'sync.status' itself failed (the counter's own server did not answer). */
  statusError: ApiError | null;
  /** A "Sync now" from this window is on its way. */
  running: boolean;
  outcome: SyncOutcome | null;
  refresh(): Promise<SyncStatusView | null>;
  syncNow(): Promise<SyncOutcome | null>;
  setStatus(status: SyncStatusView): void;
  reset(): void;
}

let refreshing: Promise<SyncStatusView | null> | null = null;
let again: Promise<SyncStatusView | null> | null = null;

export const useSync = create<SyncState>()((set, get) => ({
  status: null,
  statusError: null,
  running: false,
  outcome: null,
  refresh: () => {
    if (!canAsk()) return Promise.resolve(get().status);
    if (refreshing) {
      // An answer already on its way may predate what just happened (a checkout): ask once more after it.
      again ??= refreshing.then(() => {
        again = null;
        return get().refresh();
      });
      return again;
    }
    refreshing = call('sync.status', {})
      .then(
        (status) => {
          set({ status, statusError: null });
          return status;
        },
        (e: unknown) => {
          set({ statusError: toApiError(e) });
          return get().status;
        },
      )
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  },
  syncNow: async () => {
    if (get().running || !canAsk()) return null;
    set({ running: true, outcome: null });
    kick();
    let outcome: SyncOutcome;
    try {
      outcome = { ok: true, run: await call('sync.now', {}), at: Date.now() };
    } catch (e) {
      outcome = { ok: false, error: toApiError(e), at: Date.now() };
    }
    set({ running: false, outcome });
    await get().refresh();
    return outcome;
  },
  setStatus: (status) => set({ status, statusError: null }),
  reset: () => set({ status: null, statusError: null, running: false, outcome: null }),
}));

/** A session that may call the server: signed in, not locked. */
function canAsk(): boolean {
  const s = useSession.getState();
  return s.token !== null && s.clerk !== null && !s.locked;
}

/** The clerk touched the keyboard or the mouse lately enough for a background poll. */
function clerkPresent(): boolean {
  const s = useSession.getState();
  if (s.idleLockSeconds <= 0) return true;
  return Date.now() - s.lastActivity < (s.idleLockSeconds * 1000) / 2;
}

let timer: number | null = null;
let stopFns: (() => void)[] = [];

function schedule(ms: number): void {
  if (timer !== null) window.clearTimeout(timer);
  timer = window.setTimeout(tick, ms);
}

function tick(): void {
  timer = null;
  const st = useSync.getState();
  const busy = st.running || st.status?.running === true || st.status?.catchingUp != null;
  const next = () => schedule(busy || useSync.getState().running ? FAST_POLL_MS : POLL_MS);
  if (canAsk() && (busy || clerkPresent())) void st.refresh().finally(next);
  else next();
}

/** Poll sooner (a sync just started). */
function kick(): void {
  if (timer !== null || stopFns.length > 0) schedule(FAST_POLL_MS);
}

/** Starts polling for the signed-in clerk; returns nothing, stopSyncPolling() undoes it. */
export function startSyncPolling(): void {
  if (stopFns.length > 0) return;
  const onOnline = () => {
    if (useSync.getState().status?.enrolled) void useSync.getState().syncNow();
  };
  window.addEventListener('online', onOnline);
  // Right after each checkout: the sale's events are now waiting to be sent.
  const unsubscribe = useBasket.subscribe((s, prev) => {
    if (s.receipt && s.receipt !== prev.receipt) void useSync.getState().refresh();
  });
  stopFns = [() => window.removeEventListener('online', onOnline), unsubscribe];
  void useSync.getState().refresh();
  schedule(POLL_MS);
}

export function stopSyncPolling(): void {
  for (const f of stopFns) f();
  stopFns = [];
  if (timer !== null) window.clearTimeout(timer);
  timer = null;
}
