/** The interface language, switchable live; remembered on this computer. */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { LOCALES, type Locale } from '../i18n/messages.js';

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** The next language in the list (Ctrl+L). */
  cycle(): void;
}

export const useLocale = create<LocaleState>()(
  persist(
    (set, get) => ({
      locale: 'sr-Cyrl',
      setLocale: (locale) => set({ locale }),
      cycle: () => {
        const i = LOCALES.indexOf(get().locale);
        set({ locale: LOCALES[(i + 1) % LOCALES.length]! });
      },
    }),
    {
      name: 'postdesk.locale',
      storage: createJSONStorage(() => localStorage),
      merge: (persisted, current) => {
        const p = persisted as Partial<LocaleState> | undefined;
        return p?.locale && LOCALES.includes(p.locale) ? { ...current, locale: p.locale } : current;
      },
    },
  ),
);
