/**
 * Reference number (poziv na broj) and its model.
 *
 * Policy (DOMAIN.md "Reference number"):
 * - model 97: ISO 7064 MOD 97-10, checked; a failing check is an error;
 * - model 00 or no model: not checked;
 * - model 22: checked (weights = position from the right, starting at 1; check digit
 *   = (11 − sum mod 11) mod 10); a failing check is an error;
 * - model 11: a MOD 11 check — see MOD11_NOTE; a failing check is an error;
 * - any other model: a warning the clerk can accept (the reference is passed on as typed).
 *
 * On a paper slip a reference may be written with dashes (or blanks) between its parts; they
 * are separators and take no part in the check. Letters (model 97 only) are A–Z, case-insensitive.
 */
import { AppError } from './errors.js';

export type ReferenceCheck =
  | { status: 'ok' }
  | { status: 'warning'; code: string; message: string }
  | { status: 'error'; code: string; message: string };

/** Models whose check this module knows. '' and '00' mean "no model". */
export const KNOWN_MODELS = ['', '00', '11', '22', '97'] as const;

/**
 * MOD11_NOTE — model 11 is checked as MOD 11 (marked as such; the exact NBS text was not
 * confirmed): the last digit is the check digit; the digits before it are weighted
 * 2, 3, 4, … from the right; check = 11 − (sum mod 11), and a result of 10 or 11 gives 0.
 */
export const MODEL_11_ALGORITHM = 'MOD 11 (weights 2, 3, 4, … from the right; 10 and 11 give 0)';

/** Model 22 as DOMAIN.md gives it: the last digit checks the digits before it. */
export const MODEL_22_ALGORITHM = 'weights = position from the right starting at 1; check = (11 − sum mod 11) mod 10';

/** Value of a reference character for MOD 97-10: 0–9 → 0–9, A–Z/a–z → 10–35; −1 otherwise. */
function charValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  if (c >= 97 && c <= 122) return c - 87;
  return -1;
}

/** (value of `body` × 100) mod 97, with letters expanded to two digits; −1 for a bad character. */
function mod97Times100(body: string): number {
  let r = 0;
  for (let i = 0; i < body.length; i++) {
    const v = charValue(body.charCodeAt(i));
    if (v < 0) return -1;
    r = v < 10 ? (r * 10 + v) % 97 : (r * 100 + v) % 97;
  }
  return (r * 100) % 97;
}

/**
 * Model 97 control digits for a reference body (digits and letters A–Z): 98 − ((body × 100) mod 97),
 * two digits. Throws REFERENCE_INVALID for an empty body or another character.
 */
export function model97Control(body: string): string {
  const r = typeof body === 'string' && body.length > 0 ? mod97Times100(body) : -1;
  if (r < 0) {
    throw new AppError('REFERENCE_INVALID', 'A model 97 reference is made of digits and letters A–Z', { field: 'reference' });
  }
  const c = 98 - r;
  return c < 10 ? `0${c}` : String(c);
}

/** Full model 97 reference (control digits first) for a body: `123412` → `14123412`. */
export function buildModel97Reference(body: string): string {
  return model97Control(body) + body;
}

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Model 11 check digit for the digits before it (see MOD11_NOTE). */
export function model11CheckDigit(digits: string): string {
  if (!allDigits(digits)) throw new AppError('REFERENCE_INVALID', 'A model 11 reference is made of digits', { field: 'reference' });
  let sum = 0;
  let w = 2;
  for (let i = digits.length - 1; i >= 0; i--, w++) sum += (digits.charCodeAt(i) - 48) * w;
  const m = 11 - (sum % 11);
  return String(m >= 10 ? 0 : m);
}

/** Model 22 check digit for the digits before it: weights 1, 2, 3, … from the right. */
export function model22CheckDigit(digits: string): string {
  if (!allDigits(digits)) throw new AppError('REFERENCE_INVALID', 'A model 22 reference is made of digits', { field: 'reference' });
  let sum = 0;
  let w = 1;
  for (let i = digits.length - 1; i >= 0; i--, w++) sum += (digits.charCodeAt(i) - 48) * w;
  return String((11 - (sum % 11)) % 10);
}

const OK: ReferenceCheck = { status: 'ok' };

function err(message: string): ReferenceCheck {
  return { status: 'error', code: 'REFERENCE_INVALID', message };
}

/**
 * Checks a reference against its model. Never throws for string input.
 * `model` is the two-digit model ('' or '00' for none); `reference` is the text after it.
 */
export function checkReference(model: string, reference: string): ReferenceCheck {
  if (typeof model !== 'string' || typeof reference !== 'string') return err('Model and reference must be text');
  const m = model.trim();
  const ref = reference.trim();
  if (m !== '' && !(m.length === 2 && allDigits(m))) return err(`Model "${m.slice(0, 10)}" is not two digits`);
  if (ref.length > 35) return err('A reference has at most 35 characters');
  if (m === '' || m === '00') return OK;
  const body = ref.replace(/[-\s]/g, '');
  if (m === '97') {
    if (body.length < 3) return err('A model 97 reference is two control digits followed by at least one digit or letter');
    const control = body.slice(0, 2);
    if (!allDigits(control)) return err('A model 97 reference starts with two control digits');
    const number = body.slice(2);
    const r = mod97Times100(number);
    if (r < 0) return err('A model 97 reference may contain only digits, letters A–Z and dashes or blanks between parts');
    const expected = 98 - r;
    const expectedText = expected < 10 ? `0${expected}` : String(expected);
    if (expectedText !== control) {
      return err(`Model 97 control digits for ${number.toUpperCase()} should be ${expectedText}, not ${control}`);
    }
    return OK;
  }
  if (m === '11' || m === '22') {
    if (body.length < 2 || !allDigits(body)) return err(`A model ${m} reference is digits (and dashes), at least two digits`);
    const data = body.slice(0, -1);
    const given = body.slice(-1);
    const expected = m === '11' ? model11CheckDigit(data) : model22CheckDigit(data);
    if (expected !== given) {
      const how = m === '11' ? MODEL_11_ALGORITHM : MODEL_22_ALGORITHM;
      return err(`Model ${m} check digit for ${data} should be ${expected}, not ${given} (${how})`);
    }
    return OK;
  }
  return {
    status: 'warning',
    code: 'REFERENCE_MODEL_UNKNOWN',
    message: `Model ${m} is not one this counter can check; the reference is passed on unchecked`,
  };
}

/**
 * Like checkReference but throws AppError('REFERENCE_INVALID') on an error; returns the
 * check (ok or warning) otherwise so the caller can show the warning.
 */
export function assertReference(model: string, reference: string, field = 'reference'): ReferenceCheck {
  const r = checkReference(model, reference);
  if (r.status === 'error') throw new AppError('REFERENCE_INVALID', r.message, { field });
  return r;
}

/**
 * Splits the IPS QR "RO" value: two model digits then the reference,
 * e.g. `97163220000111111111000` → { model: '97', reference: '163220000111111111000' }.
 * Throws REFERENCE_INVALID when it does not start with two digits.
 */
export function parseRo(ro: string): { model: string; reference: string } {
  if (typeof ro !== 'string' || ro.length < 2 || !allDigits(ro.slice(0, 2))) {
    throw new AppError('REFERENCE_INVALID', 'The RO value starts with the two digits of the model (00 when there is none)', {
      field: 'RO',
    });
  }
  return { model: ro.slice(0, 2), reference: ro.slice(2) };
}

/**
 * Builds the IPS QR "RO" value: model (or 00 when none) + reference without dashes or blanks.
 */
export function buildRo(model: string, reference: string): string {
  const m = model.trim() === '' ? '00' : model.trim();
  if (m.length !== 2 || !allDigits(m)) throw new AppError('REFERENCE_INVALID', 'A model is two digits', { field: 'model' });
  return m + reference.replace(/[-\s]/g, '');
}
