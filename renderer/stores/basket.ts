/**
 * The customer's basket: lines as the API's ItemInput, the last quote for
 * exactly those lines, and the checkout's operation id. The id is made when
 * the payment step opens and kept (also across a reload) until that checkout
 * ends, so every retry of it — a frozen screen, Enter pressed five times —
 * reaches the server as one operation and makes one receipt.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Quote, Receipt } from '../../domain/api.js';
import type { ItemInput } from '../../domain/items.js';
import { uuidv7 } from '../../domain/uuid7.js';
import { call } from '../client.js';
import { toApiError, type ApiError } from '../api.js';

export interface CheckoutAttempt {
  tenders: { type: 'cash' | 'card'; amountPara: number; cardRef?: string }[];
  expectedTotalPara: number;
}

export interface BasketState {
  lines: ItemInput[];
  quote: Quote | null;
  /** The lines the quote was made for changed since; a new one is on its way. */
  quoting: boolean;
  quoteError: ApiError | null;
  operationId: string | null;
  /**
   * A checkout sent whose answer never came: it may have been committed, so
   * a retry must send exactly the same request (a different tender under the
   * same operation id would be refused as OPERATION_CONFLICT).
   */
  attempt: CheckoutAttempt | null;
  /** The receipt of the last checkout, shown until the next customer. */
  receipt: Receipt | null;
  add(item: ItemInput): void;
  remove(index: number): void;
  requote(): Promise<Quote | null>;
  openCheckout(): string;
  closeCheckout(): void;
  setAttempt(attempt: CheckoutAttempt | null): void;
  completed(receipt: Receipt): void;
  newCustomer(): void;
}

let quoteSeq = 0;

export const useBasket = create<BasketState>()(
  persist(
    (set, get) => ({
      lines: [],
      quote: null,
      quoting: false,
      quoteError: null,
      operationId: null,
      attempt: null,
      receipt: null,
      add: (item) => {
        set({ lines: [...get().lines, item], operationId: null, attempt: null });
        void get().requote();
      },
      remove: (index) => {
        set({ lines: get().lines.filter((_, i) => i !== index), operationId: null, attempt: null });
        void get().requote();
      },
      requote: async () => {
        const seq = ++quoteSeq;
        const lines = get().lines;
        if (lines.length === 0) {
          set({ quote: null, quoting: false, quoteError: null });
          return null;
        }
        set({ quoting: true });
        try {
          const quote = await call('counter.quote', { items: lines });
          if (seq === quoteSeq) set({ quote, quoting: false, quoteError: null });
          return quote;
        } catch (e) {
          if (seq === quoteSeq) set({ quote: null, quoting: false, quoteError: toApiError(e) });
          return null;
        }
      },
      openCheckout: () => {
        const existing = get().operationId;
        if (existing) return existing;
        const id = uuidv7();
        set({ operationId: id });
        return id;
      },
      closeCheckout: () => set({ operationId: null, attempt: null }),
      setAttempt: (attempt) => set({ attempt }),
      completed: (receipt) => set({ receipt, lines: [], quote: null, quoteError: null, operationId: null, attempt: null }),
      newCustomer: () => set({ receipt: null, lines: [], quote: null, quoteError: null, operationId: null, attempt: null }),
    }),
    {
      name: 'postdesk.basket',
      storage: createJSONStorage(() => sessionStorage),
      partialize: (s) => ({ lines: s.lines, operationId: s.operationId, attempt: s.attempt, receipt: s.receipt }),
    },
  ),
);
