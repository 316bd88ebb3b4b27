/**
 * JMBG (unique master citizen number): 13 digits DD MM YYY RR BBB K.
 *
 * Year: YYY is the year without its thousands digit. DOMAIN.md gives 9xx → 1900s and
 * 0xx → 2000s; its own valid sample 0101100710006 has YYY = 100, so the general rule
 * used here is the common one: YYY ≥ 800 → 1000 + YYY (1800s, 1900s), otherwise
 * 2000 + YYY. A caller that knows today's date passes `notAfter` to refuse a birth
 * date in the future (this module has no clock).
 */
import { AppError } from './errors.js';

export type JmbgRegionArea = 'abroad' | 'central-serbia' | 'vojvodina' | 'kosovo-metohija' | 'foreigner' | 'other';

export interface Jmbg {
  /** 'YYYY-MM-DD' */
  birthDate: string;
  /** The two RR digits. */
  region: string;
  regionArea: JmbgRegionArea;
  sex: 'M' | 'F';
}

const WEIGHTS = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** Control digit K for the first 12 digits (the caller guarantees 12 digits). */
export function jmbgControl(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (first12.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const m = 11 - (sum % 11);
  return m >= 10 ? 0 : m;
}

function regionArea(rr: number): JmbgRegionArea {
  if (rr <= 9) return 'foreigner';
  if (rr === 70) return 'abroad';
  if (rr >= 71 && rr <= 79) return 'central-serbia';
  if (rr >= 80 && rr <= 89) return 'vojvodina';
  if (rr >= 91 && rr <= 96) return 'kosovo-metohija';
  return 'other';
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function parseJmbg(text: string, opts: { field?: string; notAfter?: string } = {}): Jmbg {
  const field = opts.field ?? 'jmbg';
  if (typeof text !== 'string') throw new AppError('JMBG_INVALID', 'A JMBG must be text', { field });
  const s = text.trim();
  if (!/^\d{13}$/.test(s)) throw new AppError('JMBG_INVALID', 'A JMBG is exactly 13 digits', { field });
  const k = jmbgControl(s);
  if (k !== s.charCodeAt(12) - 48) {
    throw new AppError('JMBG_INVALID', `The JMBG control digit should be ${k}, not ${s[12]}`, { field });
  }
  const day = Number(s.slice(0, 2));
  const month = Number(s.slice(2, 4));
  const yyy = Number(s.slice(4, 7));
  const year = yyy >= 800 ? 1000 + yyy : 2000 + yyy;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new AppError('JMBG_INVALID', `The JMBG date part ${s.slice(0, 2)}.${s.slice(2, 4)}.${year}. is not a calendar date`, { field });
  }
  const birthDate = `${year}-${s.slice(2, 4)}-${s.slice(0, 2)}`;
  if (opts.notAfter !== undefined && birthDate > opts.notAfter) {
    throw new AppError('JMBG_INVALID', `The JMBG birth date ${birthDate} is in the future`, { field });
  }
  const rr = Number(s.slice(7, 9));
  const bbb = Number(s.slice(9, 12));
  return { birthDate, region: s.slice(7, 9), regionArea: regionArea(rr), sex: bbb < 500 ? 'M' : 'F' };
}

/** True when parseJmbg accepts the text. */
export function isValidJmbg(text: string): boolean {
  try {
    parseJmbg(text);
    return true;
  } catch {
    return false;
  }
}
