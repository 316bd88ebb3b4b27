/**
 * The clerk's session: token (kept in sessionStorage so a reload keeps the
 * clerk signed in), who is signed in, the till, the lock state and the idle
 * timer's last activity.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { ClerkView, SignInResult, SystemInfo, TillView } from '../../domain/api.js';

export interface SessionState {
  token: string | null;
  clerk: ClerkView | null;
  idleLockSeconds: number;
  locked: boolean;
  till: TillView | null;
  system: SystemInfo | null;
  /** Date.now() of the clerk's last key press or click. */
  lastActivity: number;
  /** Date.now() of the last answered call; the server's idle clock restarts on each. */
  lastServerContact: number;
  signedIn(r: SignInResult): void;
  setClerk(clerk: ClerkView, idleLockSeconds: number): void;
  setTill(till: TillView | null): void;
  setSystem(info: SystemInfo): void;
  setLocked(locked: boolean): void;
  touch(): void;
  contacted(): void;
  signedOut(): void;
}

export const useSession = create<SessionState>()(
  persist(
    (set) => ({
      token: null,
      clerk: null,
      idleLockSeconds: 300,
      locked: false,
      till: null,
      system: null,
      lastActivity: Date.now(),
      lastServerContact: Date.now(),
      signedIn: (r) => set({ token: r.sessionToken, clerk: r.clerk, idleLockSeconds: r.idleLockSeconds, locked: false, till: null, lastActivity: Date.now() }),
      setClerk: (clerk, idleLockSeconds) => set({ clerk, idleLockSeconds }),
      setTill: (till) => set({ till }),
      setSystem: (system) => set({ system }),
      setLocked: (locked) => set(locked ? { locked } : { locked, lastActivity: Date.now() }),
      touch: () => set({ lastActivity: Date.now() }),
      contacted: () => set({ lastServerContact: Date.now() }),
      signedOut: () => set({ token: null, clerk: null, locked: false, till: null }),
    }),
    {
      name: 'postdesk.session',
      storage: createJSONStorage(() => sessionStorage),
      partialize: (s) => ({ token: s.token }),
    },
  ),
);

export const isSupervisor = (s: SessionState): boolean => s.clerk?.role === 'supervisor';
