/**
 * Money is an integer number of para (1 RSD = 100 para). No floats touch an
 * amount: parsing works on the digits of the text, arithmetic on integers
 * that stay inside Number.MAX_SAFE_INTEGER.
 */
import { AppError } from './errors.js';

export type Para = number;

export const MAX_PARA = Number.MAX_SAFE_INTEGER;

export interface ParseMoneyOptions {
  /** Accept a leading minus sign (e.g. a till difference). Default false. */
  allowNegative?: boolean;
  /** Field name for the error. */
  field?: string;
}

const SERBIAN = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d*))?$/; // 1.234,56  1234,56  1234,
const PLAIN = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/; // 1234.56  1,234.56

/**
 * Parse a typed amount into para. Accepts the Serbian form "1.234,56", the
 * plain form "1234.56", and whole numbers "1234". Refuses more than two
 * decimals, a sign where not allowed, blanks and values beyond safe integers.
 */
export function parseMoney(text: string, opts: ParseMoneyOptions = {}): Para {
  const field = opts.field ?? 'amount';
  if (typeof text !== 'string') throw new AppError('AMOUNT_INVALID', 'Amount must be text', { field });
  let s = text.trim().replace(/\s+/g, '').replace(/(RSD|дин\.?|din\.?)$/i, '');
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) {
      if (!opts.allowNegative) throw new AppError('AMOUNT_INVALID', 'A negative amount is not allowed here', { field });
      negative = true;
    }
    s = s.slice(1);
  }
  if (s === '') throw new AppError('AMOUNT_INVALID', 'Amount is empty', { field });
  let whole: string;
  let frac: string;
  const hasComma = s.includes(',');
  const hasDot = s.includes('.');
  let m: RegExpMatchArray | null = null;
  if (hasComma && hasDot) {
    // Whichever separator comes last is the decimal one.
    m = s.lastIndexOf(',') > s.lastIndexOf('.') ? s.match(SERBIAN) : s.match(PLAIN);
    if (!m) throw new AppError('AMOUNT_INVALID', `"${text}" is not an amount`, { field });
    whole = m[1]!.replace(/[.,]/g, '');
    frac = m[2] ?? '';
  } else if (hasComma) {
    // "1,5" or "1.234,56" style: comma is decimal unless it groups thousands exactly like 1,234,567
    m = s.match(/^(\d+),(\d*)$/);
    if (m) {
      whole = m[1]!;
      frac = m[2]!;
    } else {
      throw new AppError('AMOUNT_INVALID', `"${text}" is not an amount`, { field });
    }
  } else if (hasDot) {
    const grouped = s.match(/^\d{1,3}(?:\.\d{3}){2,}$/);
    if (grouped) {
      whole = s.replace(/\./g, '');
      frac = '';
    } else {
      m = s.match(/^(\d+)\.(\d*)$/);
      if (!m) throw new AppError('AMOUNT_INVALID', `"${text}" is not an amount`, { field });
      whole = m[1]!;
      frac = m[2]!;
    }
  } else {
    if (!/^\d+$/.test(s)) throw new AppError('AMOUNT_INVALID', `"${text}" is not an amount`, { field });
    whole = s;
    frac = '';
  }
  if (frac.length > 2) throw new AppError('AMOUNT_INVALID', 'An amount has at most 2 decimals', { field });
  if (whole === '' && frac === '') throw new AppError('AMOUNT_INVALID', `"${text}" is not an amount`, { field });
  const digits = (whole === '' ? '0' : whole) + frac.padEnd(2, '0');
  const big = BigInt(digits);
  if (big > BigInt(MAX_PARA)) throw new AppError('AMOUNT_TOO_LARGE', 'Amount is too large', { field });
  const para = Number(big);
  return negative ? -para : para;
}

/** Checks an integer para amount; throws AMOUNT_INVALID otherwise. */
export function assertPara(value: unknown, field = 'amount', allowNegative = false): Para {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new AppError('AMOUNT_INVALID', 'Amount must be a whole number of para', { field });
  }
  if (!allowNegative && value < 0) throw new AppError('AMOUNT_INVALID', 'A negative amount is not allowed here', { field });
  return value;
}

/** Adds para amounts, refusing a result beyond safe integers. */
export function sumPara(values: readonly Para[]): Para {
  let total = 0;
  for (const v of values) {
    total += v;
    if (!Number.isSafeInteger(total)) throw new AppError('AMOUNT_TOO_LARGE', 'Total is too large');
  }
  return total;
}

/** percent given in basis points (1 % = 100 bp); rounds half away from zero, in integers. */
export function percentOf(amount: Para, basisPoints: number): Para {
  const num = BigInt(amount) * BigInt(basisPoints);
  const den = 10000n;
  const q = num / den;
  const r = num % den;
  const twice = (r < 0n ? -r : r) * 2n;
  const rounded = twice >= den ? q + (num < 0n ? -1n : 1n) : q;
  return Number(rounded);
}

const formatters = new Map<string, Intl.NumberFormat>();

/** "1.234,56" for sr-RS (no currency sign); pass withCurrency for "1.234,56 RSD". */
export function formatMoney(para: Para, opts: { locale?: string; withCurrency?: boolean } = {}): string {
  const locale = opts.locale ?? 'sr-RS';
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: true });
    formatters.set(locale, f);
  }
  // Format integer and fraction separately so no float rounding touches large values.
  const neg = para < 0;
  const abs = Math.abs(para);
  const whole = Math.trunc(abs / 100);
  const frac = abs % 100;
  const parts = f.formatToParts(1.5);
  const decimalSep = parts.find((p) => p.type === 'decimal')?.value ?? ',';
  const wholeText = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, useGrouping: true }).format(whole);
  const text = `${neg ? '-' : ''}${wholeText}${decimalSep}${String(frac).padStart(2, '0')}`;
  return opts.withCurrency ? `${text} RSD` : text;
}

/** Plain machine form "1234.56" (used in IPS QR amounts after separator change, exports). */
export function toPlain(para: Para): string {
  const neg = para < 0;
  const abs = Math.abs(para);
  return `${neg ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
