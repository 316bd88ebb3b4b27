/**
 * Payment code (šifra plaćanja): three digits. The first is the form of payment, the last
 * two the basis. DOMAIN.md lists the bases a post office counter meets; the NBS table
 * (annex 3 of the decision on payment order forms) has more, so an unlisted basis is
 * parsed with `basisKnown: false` rather than refused.
 */
import { AppError } from './errors.js';

export type PaymentForm = 'cash' | 'non-cash' | 'clearing' | 're-posting';

export const PAYMENT_FORMS: Readonly<Record<string, PaymentForm>> = {
  '1': 'cash',
  '2': 'non-cash',
  '3': 'clearing',
  '9': 're-posting',
};

export const PAYMENT_BASES: Readonly<Record<string, string>> = {
  '20': 'Goods and services (intermediate consumption)',
  '21': 'Goods and services (final consumption)',
  '22': 'Public enterprise services',
  '53': 'Public revenue other than withheld taxes',
  '54': 'Withheld taxes and contributions',
  '65': 'Cash takings deposit',
  '66': 'Cash withdrawal',
  '89': 'Transactions ordered by citizens',
  '90': 'Other transactions',
};

export interface PaymentCode {
  code: string;
  formDigit: string;
  form: PaymentForm;
  basis: string;
  basisKnown: boolean;
  /** English description of the basis, or null when it is not in PAYMENT_BASES. */
  basisDescription: string | null;
}

/** Parses a payment code. Throws PAYMENT_CODE_INVALID when it is not 3 digits or the form digit is not 1, 2, 3 or 9. */
export function parsePaymentCode(text: string, field = 'paymentCode'): PaymentCode {
  if (typeof text !== 'string') throw new AppError('PAYMENT_CODE_INVALID', 'A payment code must be text', { field });
  const code = text.trim();
  if (code.length !== 3 || !/^\d{3}$/.test(code)) {
    throw new AppError('PAYMENT_CODE_INVALID', 'A payment code is exactly 3 digits, e.g. 189', { field });
  }
  const formDigit = code[0]!;
  const form = PAYMENT_FORMS[formDigit];
  if (form === undefined) {
    throw new AppError(
      'PAYMENT_CODE_INVALID',
      `The first digit of a payment code is the form of payment: 1 cash, 2 non-cash, 3 clearing or 9 re-posting, not ${formDigit}`,
      { field },
    );
  }
  const basis = code.slice(1);
  const description = Object.prototype.hasOwnProperty.call(PAYMENT_BASES, basis) ? PAYMENT_BASES[basis]! : null;
  return { code, formDigit, form, basis, basisKnown: description !== null, basisDescription: description };
}

/**
 * At the counter the customer pays cash: the code keeps its basis and takes the cash form
 * (289 → 189, 221 → 121). `changed` tells the UI to show the change; `from` is the code as given.
 */
export function toCashForm(text: string, field = 'paymentCode'): { code: string; changed: boolean; from: string } {
  const p = parsePaymentCode(text, field);
  const code = `1${p.basis}`;
  return { code, changed: code !== p.code, from: p.code };
}
