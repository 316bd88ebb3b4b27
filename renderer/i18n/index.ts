/** t() for components, bound to the live language; money and dates for sr-RS. */
import { useCallback } from 'react';
import { formatMoney } from '../../domain/money.js';
import { useLocale } from '../stores/locale.js';
import { ApiError } from '../api.js';
import { errorSentence, translate, type Locale, type MessageKey, type Params } from './messages.js';

export type T = (key: MessageKey, params?: Params) => string;

export function useT(): T {
  const locale = useLocale((s) => s.locale);
  return useCallback((key: MessageKey, params?: Params) => translate(locale, key, params), [locale]);
}

export function tNow(key: MessageKey, params?: Params): string {
  return translate(useLocale.getState().locale, key, params);
}

/** "1.234,56 RSD" — money is always shown the Serbian way, whatever the language. */
export function money(para: number): string {
  return formatMoney(para, { locale: 'sr-RS', withCurrency: true });
}

export function moneyPlain(para: number): string {
  return formatMoney(para, { locale: 'sr-RS' });
}

function intlLocale(locale: Locale): string {
  return locale === 'sr-Cyrl' ? 'sr-Cyrl-RS' : 'sr-Latn-RS';
}

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: Locale, kind: 'dateTime' | 'time' | 'date' | 'dateShort'): Intl.DateTimeFormat {
  const key = `${locale}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { timeZone: 'Europe/Belgrade' };
    const opts: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' }
        : kind === 'date'
          ? { ...base, day: 'numeric', month: 'long', year: 'numeric' }
          : kind === 'dateShort'
            ? { ...base, day: '2-digit', month: '2-digit', year: 'numeric' }
          : { ...base, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' };
    f = new Intl.DateTimeFormat(intlLocale(locale), opts);
    cache.set(key, f);
  }
  return f;
}

export function useFormat() {
  const locale = useLocale((s) => s.locale);
  return {
    locale,
    money,
    dateTime: (iso: string) => fmt(locale, 'dateTime').format(new Date(iso)),
    time: (iso: string) => fmt(locale, 'time').format(new Date(iso)),
    /** A business day (YYYY-MM-DD, a Belgrade calendar day) in words. */
    // Serbian month names read oddly in an English screen: there the day stays in numbers, the sr-RS way.
    day: (day: string) => fmt(locale, locale === 'en' ? 'dateShort' : 'date').format(new Date(`${day}T12:00:00Z`)),
    dayShort: (day: string) => fmt(locale, 'dateShort').format(new Date(`${day}T12:00:00Z`)),
  };
}

/** The sentence a person sees for an error: translated by code, else the server's own words. */
export function errorText(err: unknown, locale: Locale): string {
  const e = err instanceof ApiError ? err : new ApiError('INTERNAL', err instanceof Error ? err.message : String(err));
  if (e.code === 'CLERK_LOCKED' && typeof e.details?.lockedUntil === 'string') {
    return translate(locale, 'error.clerkLockedUntil', { until: fmt(locale, 'dateTime').format(new Date(e.details.lockedUntil)) });
  }
  return errorSentence(locale, e.code) ?? (e.message || translate(locale, 'error.unknown', { code: e.code, message: '' }));
}

export function useErrorText(): (err: unknown) => string {
  const locale = useLocale((s) => s.locale);
  return useCallback((err: unknown) => errorText(err, locale), [locale]);
}
