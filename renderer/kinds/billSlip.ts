/**
 * The payment slip of the "Pay a bill" panel as plain data: filled from a
 * parsed IPS QR code or typed by hand, checked field by field with the
 * domain's rules (account MOD 97, reference by model, payment code, amount),
 * each failure a rule in words, and turned into the basket line the API
 * takes. No React and no DOM here.
 */
import { accountControl, formatAccountShort, normalizeAccount } from '../../domain/account.js';
import { tryParseIpsQr, IPS_MAX_AMOUNT_PARA, type IpsQr } from '../../domain/ipsqr.js';
import type { BillPaymentItemInput } from '../../domain/items.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { parsePaymentCode, toCashForm } from '../../domain/paymentCode.js';
import { checkReference, parseRo, type ReferenceCheck } from '../../domain/reference.js';
import type { MessageKey } from '../i18n/messages.js';
import { said, type Said } from '../i18n/said.js';
import type { SlipField } from './ipsQrRefusal.js';

export type Slip = Record<SlipField, string>;

export const EMPTY_SLIP: Slip = {
  account: '',
  payeeName: '',
  amount: '',
  paymentCode: '',
  model: '',
  reference: '',
  purpose: '',
  payerName: '',
  payerAddress: '',
  payerPlace: '',
};

export const FIELD_LABEL: Record<SlipField, MessageKey> = {
  account: 'bill.account',
  payeeName: 'bill.payeeName',
  amount: 'bill.amount',
  paymentCode: 'bill.paymentCode',
  model: 'bill.model',
  reference: 'bill.reference',
  purpose: 'bill.purpose',
  payerName: 'bill.payerName',
  payerAddress: 'bill.payerAddress',
  payerPlace: 'bill.payerPlace',
};

const REQUIRED: readonly SlipField[] = ['account', 'payeeName', 'amount', 'paymentCode', 'payerName'];
const TEXT_MAX: Partial<Record<SlipField, number>> = { payeeName: 70, purpose: 35, payerName: 70, payerAddress: 70, payerPlace: 70 };

export const PAYER_FIELDS = ['payerName', 'payerAddress', 'payerPlace'] as const;

export interface SlipCheck {
  /** The rule each failing field breaks (required fields left empty included). */
  errors: Partial<Record<SlipField, Said>>;
  /** The payee account as 18 digits, when it passes its control. */
  account18: string | null;
  /** The account is typed far enough to be judged (a complete short or long form). */
  accountComplete: boolean;
  amountPara: number | null;
  /** The payment code sent (as on the bill) and the cash form it is paid with. */
  code: { sent: string; cash: string; changed: boolean } | null;
  /** A model this counter cannot check: a warning the clerk must accept. */
  unknownModel: string | null;
}

/**
 * The payment code the slip pays with. A scan keeps the bill's own code
 * (`codeFrom`, e.g. 289) while the field shows its cash form (189); the code
 * sent is the bill's, so the server records the change. A code typed by hand
 * is sent as typed.
 */
export function effectiveCode(field: string, codeFrom: string | null): string {
  const typed = field.trim();
  if (codeFrom) {
    try {
      if (toCashForm(codeFrom).code === typed) return codeFrom;
    } catch {
      // the bill's code was checked when it was scanned; fall through to the typed one
    }
  }
  return typed;
}

/** One line of free text the NBS character set can carry (the A6 confirmation re-encodes it as IPS QR). */
function textRule(field: SlipField, value: string): Said | null {
  const max = TEXT_MAX[field] ?? 70;
  const v = value.trim();
  const label = said(FIELD_LABEL[field]);
  if (v.length > max || /[|\r\n]/.test(v)) return said('billRule.line', { field: label, max });
  if (v === '') return null;
  // The parser's own free-text rule, asked through tag RL (one line, up to 140 characters).
  const probe = tryParseIpsQr(`K:PR|V:01|C:1|R:840000000095584510|N:X|I:RSD1,|SF:189|RL:${v}`);
  if (probe.ok || probe.error.field !== 'RL') return null;
  const m = /contains (.+), which is not allowed/.exec(probe.error.message);
  return said('billRule.chars', { field: label, char: m?.[1] ?? '?' });
}

/** A reference check in words, for the reference field (or the model field, for a malformed model). */
export function referenceRule(model: string, check: ReferenceCheck): { field: 'model' | 'reference'; rule: Said } | null {
  if (check.status !== 'error') return null;
  const msg = check.message;
  let m: RegExpExecArray | null;
  if (/^Model ".*" is not two digits/.test(msg)) return { field: 'model', rule: said('billRule.model') };
  if ((m = /Model 97 control digits for \S+ should be (\d{2}), not (\S{2})/.exec(msg))) return { field: 'reference', rule: said('billRule.refControl97', { expected: m[1]!, actual: m[2]! }) };
  if ((m = /Model (\d{2}) check digit for \S+ should be (\d), not (\d)/.exec(msg))) {
    return { field: 'reference', rule: said('billRule.refCheck', { model: m[1]!, expected: m[2]!, actual: m[3]! }) };
  }
  if (/at most 35 characters/.test(msg)) return { field: 'reference', rule: said('billRule.refLength') };
  if (/model 97 reference/i.test(msg)) return { field: 'reference', rule: said('billRule.ref97') };
  if ((m = /A model (\d{2}) reference is digits/.exec(msg))) return { field: 'reference', rule: said('billRule.refDigits', { model: m[1]! }) };
  return { field: 'reference', rule: said('billRule.refOther', { model: model.trim() }) };
}

export function checkSlip(slip: Slip, codeFrom: string | null): SlipCheck {
  const errors: Partial<Record<SlipField, Said>> = {};
  for (const f of REQUIRED) if (slip[f].trim() === '') errors[f] = said('bill.required', { field: said(FIELD_LABEL[f]) });

  let account18: string | null = null;
  let accountComplete = false;
  if (slip.account.trim() !== '') {
    let a: string | null = null;
    try {
      a = normalizeAccount(slip.account);
      accountComplete = true;
    } catch {
      errors.account = said('billRule.accountFormat');
    }
    if (a) {
      const expected = accountControl(a.slice(0, 16));
      if (expected !== a.slice(16)) errors.account = said('billRule.accountControl', { expected, actual: a.slice(16) });
      else account18 = a;
    }
  }

  for (const f of ['payeeName', 'purpose', 'payerName', 'payerAddress', 'payerPlace'] as const) {
    const rule = textRule(f, slip[f]);
    if (rule) errors[f] = rule;
  }

  let amountPara: number | null = null;
  if (slip.amount.trim() !== '') {
    try {
      const p = parseMoney(slip.amount);
      if (p <= 0) errors.amount = said('rule.amountPositive');
      else if (p > IPS_MAX_AMOUNT_PARA) errors.amount = said('billRule.amountMax');
      else amountPara = p;
    } catch (e) {
      errors.amount = (e as { code?: string }).code === 'AMOUNT_TOO_LARGE' ? said('billRule.amountMax') : said('rule.amount');
    }
  }

  let code: SlipCheck['code'] = null;
  if (slip.paymentCode.trim() !== '') {
    const sent = effectiveCode(slip.paymentCode, codeFrom);
    try {
      parsePaymentCode(sent);
      const cash = toCashForm(sent).code;
      code = { sent, cash, changed: cash !== sent };
    } catch {
      errors.paymentCode = said('billRule.code');
    }
  }

  let unknownModel: string | null = null;
  const model = slip.model.trim();
  if (model !== '' && !/^\d{2}$/.test(model)) errors.model = said('billRule.model');
  else {
    const check = checkReference(model, slip.reference.trim());
    const bad = referenceRule(model, check);
    if (bad) errors[bad.field] = bad.rule;
    else if (check.status === 'warning') unknownModel = model;
  }
  return { errors, account18, accountComplete, amountPara, code, unknownModel };
}

/** The basket line for a slip without errors (null otherwise, or while an unknown model is not accepted). */
export function slipItem(slip: Slip, check: SlipCheck, opts: { accepted: boolean; source: 'scan' | 'manual' | 'camera' }): BillPaymentItemInput | null {
  if (Object.keys(check.errors).length > 0 || !check.account18 || check.amountPara === null || !check.code) return null;
  if (check.unknownModel !== null && !opts.accepted) return null;
  return {
    kind: 'bill_payment',
    payer: { name: slip.payerName.trim(), address: slip.payerAddress.trim(), place: slip.payerPlace.trim() },
    payee: { name: slip.payeeName.trim(), account: check.account18 },
    purpose: slip.purpose.trim(),
    paymentCode: check.code.sent,
    model: slip.model.trim(),
    reference: slip.reference.trim(),
    amountPara: check.amountPara,
    acceptWarnings: check.unknownModel !== null && opts.accepted,
    source: opts.source,
  };
}

/** N or P lines as one line of at most 70 characters (the slip's field). */
function oneLine(lines: string[]): string {
  const joined = lines.join(', ');
  return joined.length <= 70 ? joined : lines.join(' ').slice(0, 70);
}

/**
 * The slip a parsed code fills. The payer comes from P (name, address, place,
 * one per line); a code without P keeps the payer already on the slip, as a
 * customer paying several bills is the same person.
 */
export function slipFromQr(qr: IpsQr, payer: Pick<Slip, 'payerName' | 'payerAddress' | 'payerPlace'>): { slip: Slip; codeFrom: string | null } {
  const slip: Slip = { ...EMPTY_SLIP, ...payer };
  slip.account = formatAccountShort(qr.payeeAccount);
  if (qr.payeeName) slip.payeeName = oneLine(qr.payeeName.split('\n'));
  if (qr.amountPara) slip.amount = formatMoney(qr.amountPara);
  let codeFrom: string | null = null;
  if (qr.paymentCode) {
    const c = toCashForm(qr.paymentCode);
    slip.paymentCode = c.code;
    codeFrom = c.from;
  }
  if (qr.reference) {
    const ro = parseRo(qr.reference);
    slip.model = ro.model;
    slip.reference = ro.reference;
  }
  if (qr.purpose) slip.purpose = qr.purpose;
  if (qr.payer) {
    const lines = qr.payer.split('\n');
    slip.payerName = lines[0] ?? '';
    slip.payerAddress = lines[1] ?? '';
    slip.payerPlace = lines.length > 3 ? oneLine(lines.slice(2)) : (lines[2] ?? '');
  }
  return { slip, codeFrom };
}

/** The rule of a server refusal for a slip field (the quote's field is "items.0.payee.account" …). */
export function serverField(field: string | undefined): SlipField | null {
  if (!field) return null;
  const f = field.replace(/^items\.\d+\./, '');
  const map: Record<string, SlipField> = {
    'payee.account': 'account',
    'payee.name': 'payeeName',
    'payer.name': 'payerName',
    'payer.address': 'payerAddress',
    'payer.place': 'payerPlace',
    purpose: 'purpose',
    paymentCode: 'paymentCode',
    model: 'model',
    reference: 'reference',
    amountPara: 'amount',
  };
  return map[f] ?? null;
}

