/**
 * Serbian payment account numbers: bank code (3) + account (13) + control (2).
 *
 * The control is ISO 7064 MOD 97-10: control = 98 − ((first 16 digits × 100) mod 97),
 * written with two digits (02–98); the whole 18-digit number is then 1 mod 97.
 * 18 digits overflow a double, so the remainder is taken digit by digit (every
 * intermediate value stays below 970).
 */
import { AppError } from './errors.js';

/** Remainder of a decimal digit string modulo 97. The caller guarantees digits only. */
function digitsMod97(digits: string): number {
  let r = 0;
  for (let i = 0; i < digits.length; i++) r = (r * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return r;
}

function isDigits(s: string, min: number, max: number): boolean {
  if (s.length < min || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True when `s` is exactly 18 ASCII digits (no control check). */
export function isEighteenDigits(s: string): boolean {
  return isDigits(s, 18, 18);
}

/**
 * Two control digits for the first 16 digits of an account.
 * Throws ACCOUNT_INVALID when the input is not 16 digits.
 */
export function accountControl(first16: string): string {
  if (typeof first16 !== 'string' || !isDigits(first16, 16, 16)) {
    throw new AppError('ACCOUNT_INVALID', 'The control digits are computed from exactly 16 digits (bank code and account)', {
      field: 'account',
    });
  }
  const c = 98 - ((digitsMod97(first16) * 100) % 97);
  return c < 10 ? `0${c}` : String(c);
}

const SEPARATORS = /[\s-]+/;

/**
 * Turns the ways an account is written into its 18 digits, without checking the control:
 * - short form with dashes (or blanks) between the three parts, `840-955845-10`: the middle
 *   part (1–13 digits) is padded with zeros on the left to 13 digits;
 * - 18 digits, plain or grouped by dashes or blanks (`840-0000000955845-10`, `8400 0000 ...`).
 * Throws ACCOUNT_INVALID for anything else.
 */
export function normalizeAccount(text: string, field = 'account'): string {
  if (typeof text !== 'string') throw new AppError('ACCOUNT_INVALID', 'An account number must be text', { field });
  const t = text.trim();
  if (t.length > 64) throw new AppError('ACCOUNT_INVALID', 'An account number has 18 digits; this text is far too long', { field });
  if (isDigits(t, 18, 18)) return t;
  const parts = t.split(SEPARATORS);
  if (parts.length === 3) {
    const [bank, middle, control] = parts as [string, string, string];
    if (isDigits(bank, 3, 3) && isDigits(middle, 1, 13) && isDigits(control, 2, 2)) {
      return bank + middle.padStart(13, '0') + control;
    }
  }
  const joined = parts.join('');
  if (isDigits(joined, 18, 18)) return joined;
  throw new AppError(
    'ACCOUNT_INVALID',
    'An account number is 18 digits, or bank code (3 digits) - account (up to 13 digits) - control (2 digits), e.g. 840-955845-10',
    { field },
  );
}

/** True when the text is an account (any accepted form) with correct control digits. */
export function isValidAccount(text: string): boolean {
  let a: string;
  try {
    a = normalizeAccount(text);
  } catch {
    return false;
  }
  return controlOk(a);
}

/**
 * The control must equal 98 − ((first 16 × 100) mod 97) exactly. Checking only
 * "whole number mod 97 = 1" would also pass 00 where 97 is due and 01 where 98 is due.
 */
function controlOk(a: string): boolean {
  const c = 98 - ((digitsMod97(a.slice(0, 16)) * 100) % 97);
  return a.charCodeAt(16) - 48 === Math.trunc(c / 10) && a.charCodeAt(17) - 48 === c % 10;
}

/**
 * Normalises and checks an account; returns the 18 digits. The error message names the
 * control digits the account should have had.
 */
export function assertAccount(text: string, field = 'account'): string {
  const a = normalizeAccount(text, field);
  if (!controlOk(a)) {
    const expected = accountControl(a.slice(0, 16));
    throw new AppError(
      'ACCOUNT_INVALID',
      `Account ${a.slice(0, 3)}-${a.slice(3, 16)}-${a.slice(16)} has wrong control digits: for ${a.slice(0, 16)} they should be ${expected}, not ${a.slice(16)}`,
      { field, details: { expectedControl: expected, actualControl: a.slice(16) } },
    );
  }
  return a;
}

/** Short printed form: `840-955845-10` (leading zeros of the middle part dropped, at least one digit kept). */
export function formatAccountShort(account18: string): string {
  const a = normalizeAccount(account18);
  const middle = a.slice(3, 16).replace(/^0+(?=\d)/, '');
  return `${a.slice(0, 3)}-${middle}-${a.slice(16)}`;
}

/**
 * IBAN of a Serbian account: `RS` + 2 check digits + the 18 digits. The account is
 * checked first (ACCOUNT_INVALID). For every valid account the check digits are 35.
 */
export function ibanOf(account18: string): string {
  const a = assertAccount(account18);
  // ISO 13616: move "RS00" to the end, letters R=27 S=28, check = 98 − (number mod 97).
  const check = 98 - digitsMod97(`${a}272800`);
  return `RS${check < 10 ? `0${check}` : String(check)}${a}`;
}
