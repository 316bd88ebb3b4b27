/** Which screen is up, and the one-line notice the last step left for the clerk. */
import { create } from 'zustand';
import type { TillView } from '../../domain/api.js';
import type { MessageKey, Params } from '../i18n/messages.js';

export type Screen =
  | 'boot'
  | 'setup'
  | 'signIn'
  | 'openTill'
  | 'counter'
  | 'payment'
  | 'receipt'
  | 'remittance'
  | 'closeTill'
  | 'tillClosed'
  | 'receipts'
  | 'receiptView'
  | 'verify'
  | 'referenceData'
  | 'sync';

export interface Notice {
  key: MessageKey;
  params?: Params;
}

interface AppState {
  screen: Screen;
  notice: Notice | null;
  /** A till just closed, for the summary screen. */
  closedTill: TillView | null;
  /** The receipt opened from the day's list. */
  viewNumber: string | null;
  /** Row of the day's list to return to. */
  listIndex: number;
  fatal: string | null;
  go(screen: Screen, notice?: Notice | null): void;
  setNotice(notice: Notice | null): void;
  tillClosed(till: TillView): void;
  viewReceipt(number: string, index: number): void;
  setFatal(text: string | null): void;
}

export const useApp = create<AppState>()((set) => ({
  screen: 'boot',
  notice: null,
  closedTill: null,
  viewNumber: null,
  listIndex: 0,
  fatal: null,
  go: (screen, notice = null) => set({ screen, notice }),
  setNotice: (notice) => set({ notice }),
  tillClosed: (till) => set({ closedTill: till, screen: 'tillClosed', notice: null }),
  viewReceipt: (number, index) => set({ viewNumber: number, listIndex: index, screen: 'receiptView', notice: null }),
  setFatal: (fatal) => set({ fatal }),
}));
