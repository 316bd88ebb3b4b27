/**
 * Bill payments' reference data and rules around it: the billers directory,
 * fee bands, payee-bank cut-off times and bank holidays (all data, replaceable
 * by sync), the settlement day of a payment, and the A6 payment confirmation
 * with a freshly encoded IPS QR code.
 */
import QRCode from 'qrcode';
import { AppError } from '../domain/errors.js';
import type { Biller, Cutoff, FeeTable } from '../domain/api.js';
import { assertAccount, formatAccountShort } from '../domain/account.js';
import { assertFeeBands, type FeeBand, type FeeException } from '../domain/fees.js';
import { serializeIpsQr, type IpsQr } from '../domain/ipsqr.js';
import { formatMoney } from '../domain/money.js';
import { parsePaymentCode } from '../domain/paymentCode.js';
import { foldForSearch } from '../domain/text.js';
import { appendAudit } from '../db/audit.js';
import { prep } from '../db/prepared.js';
import { businessDayOf } from './clock.js';
import { belgradeTime } from './receiptPrint.js';
import { type Store, getSetting, inTransaction, isoNow } from './store.js';

interface BillerRow {
  id: number;
  name: string;
  account: string;
  default_payment_code: string | null;
  model: string;
  reference_pattern: string | null;
  fee_exception: 'none' | 'fixed' | null;
  fee_fixed_para: number | null;
  active: number;
  sample: number;
}

function billerView(r: BillerRow): Biller {
  return {
    id: r.id,
    name: r.name,
    account: r.account,
    defaultPaymentCode: r.default_payment_code,
    model: r.model,
    referencePattern: r.reference_pattern,
    feeException: r.fee_exception,
    feeFixedPara: r.fee_fixed_para,
    active: r.active === 1,
    sample: r.sample === 1,
  };
}

export function billerByAccount(store: Store, account18: string): Biller | null {
  const r = prep(store.db, 'SELECT * FROM billers WHERE account = ? AND active = 1').get(account18) as BillerRow | undefined;
  return r ? billerView(r) : null;
}

/** Looks a biller up by a typed account (short or long form); null when the account is unknown or not yet valid. */
export function lookupBiller(store: Store, accountText: string): Biller | null {
  let acct: string;
  try {
    acct = assertAccount(accountText);
  } catch {
    return null;
  }
  return billerByAccount(store, acct);
}

/** Billers by name or account, matched with Serbian letters folded (Latin or Cyrillic, with or without diacritics). */
export function listBillers(store: Store, input: { query?: string | undefined; offset: number; limit: number }): { rows: Biller[]; total: number } {
  const all = prep(store.db, 'SELECT * FROM billers ORDER BY name, id').all() as BillerRow[];
  const q = foldForSearch(input.query?.trim() ?? '');
  const digits = q.replace(/[^0-9]/g, '');
  const hits = q === '' ? all : all.filter((b) => foldForSearch(b.name).includes(q) || (digits.length >= 3 && b.account.includes(digits)));
  return { rows: hits.slice(input.offset, input.offset + input.limit).map(billerView), total: hits.length };
}

export interface BillerInput {
  id?: number | undefined;
  name: string;
  account: string;
  defaultPaymentCode?: string | null | undefined;
  model?: string | undefined;
  referencePattern?: string | null | undefined;
  feeException?: 'none' | 'fixed' | null | undefined;
  feeFixedPara?: number | null | undefined;
  active?: boolean | undefined;
}

export function saveBiller(store: Store, actorId: number, input: BillerInput): Biller {
  const account = assertAccount(input.account, 'account');
  if (input.referencePattern) {
    try {
      new RegExp(input.referencePattern);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'The reference pattern is not a valid regular expression', { field: 'referencePattern' });
    }
  }
  if (input.defaultPaymentCode) parsePaymentCode(input.defaultPaymentCode, 'defaultPaymentCode');
  if (input.feeException === 'fixed' && (input.feeFixedPara === null || input.feeFixedPara === undefined)) {
    throw new AppError('VALIDATION_FAILED', 'A fixed fee exception needs its amount', { field: 'feeFixedPara' });
  }
  return inTransaction(store, () => {
    const at = isoNow(store);
    const clash = store.db.prepare('SELECT id FROM billers WHERE account = ?').get(account) as { id: number } | undefined;
    if (clash && clash.id !== input.id) throw new AppError('BILLER_ACCOUNT_TAKEN', `Another biller already has account ${formatAccountShort(account)}`, { field: 'account', details: { billerId: clash.id } });
    const values = [
      input.name.trim(),
      account,
      input.defaultPaymentCode ?? null,
      input.model ?? '',
      input.referencePattern ?? null,
      input.feeException ?? null,
      input.feeException === 'fixed' ? (input.feeFixedPara ?? 0) : null,
      input.active === false ? 0 : 1,
      at,
    ];
    let id: number;
    if (input.id !== undefined) {
      const r = store.db
        .prepare('UPDATE billers SET name = ?, account = ?, default_payment_code = ?, model = ?, reference_pattern = ?, fee_exception = ?, fee_fixed_para = ?, active = ?, sample = 0, source = \'local\', updated_at = ? WHERE id = ?')
        .run(...values, input.id);
      if (r.changes === 0) throw new AppError('NOT_FOUND', `No biller ${input.id}`);
      id = input.id;
    } else {
      id = Number(
        store.db
          .prepare('INSERT INTO billers (name, account, default_payment_code, model, reference_pattern, fee_exception, fee_fixed_para, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(...values).lastInsertRowid,
      );
    }
    appendAudit(store.db, { at, clerkId: actorId, action: input.id === undefined ? 'biller.created' : 'biller.changed', entity: 'biller', entityId: id, payload: { name: input.name, account, feeException: input.feeException ?? null, active: input.active !== false } });
    return billerView(store.db.prepare('SELECT * FROM billers WHERE id = ?').get(id) as BillerRow);
  });
}

// ---- fees ----------------------------------------------------------------

export function feeTableAt(store: Store, service: string, at: string): FeeTable | null {
  const vf = prep(store.db, 'SELECT MAX(valid_from) AS vf FROM fee_bands WHERE service = ? AND valid_from <= ?').get(service, at) as { vf: string | null };
  if (!vf.vf) return null;
  const rows = prep(store.db, 'SELECT * FROM fee_bands WHERE service = ? AND valid_from = ? ORDER BY band_no').all(service, vf.vf) as {
    from_para: number;
    to_para: number | null;
    fixed_para: number;
    percent_bp: number;
    min_para: number;
    max_para: number | null;
    sample: number;
  }[];
  return {
    service,
    validFrom: vf.vf,
    sample: rows.some((r) => r.sample === 1),
    bands: rows.map((r) => ({ fromPara: r.from_para, toPara: r.to_para, fixedPara: r.fixed_para, percentBp: r.percent_bp, minPara: r.min_para, maxPara: r.max_para })),
  };
}

/** A supervisor replaces the fee table from now on; the previous one stays for the record and for old receipts. */
export function replaceFeeTable(store: Store, actorId: number, service: string, bands: FeeBand[]): FeeTable {
  assertFeeBands(bands);
  return inTransaction(store, () => {
    const at = isoNow(store);
    const latest = prep(store.db, 'SELECT MAX(valid_from) AS vf FROM fee_bands WHERE service = ?').get(service) as { vf: string | null };
    if (latest.vf && latest.vf >= at) throw new AppError('VALIDATION_FAILED', 'A newer fee table is already scheduled; wait until it takes effect', { field: 'bands' });
    const ins = store.db.prepare('INSERT INTO fee_bands (service, valid_from, band_no, from_para, to_para, fixed_para, percent_bp, min_para, max_para) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    bands.forEach((b, i) => ins.run(service, at, i + 1, b.fromPara, b.toPara, b.fixedPara, b.percentBp, b.minPara, b.maxPara));
    appendAudit(store.db, { at, clerkId: actorId, action: 'fee_table.replaced', entity: 'fee_table', entityId: service, payload: { bands } });
    return feeTableAt(store, service, at)!;
  });
}

export function feeExceptionOf(b: Biller | null): FeeException | undefined {
  if (!b || !b.feeException) return undefined;
  return b.feeException === 'none' ? { kind: 'none' } : { kind: 'fixed', fixedPara: b.feeFixedPara ?? 0 };
}

// ---- settlement ----------------------------------------------------------

export function listCutoffs(store: Store): Cutoff[] {
  return (store.db.prepare('SELECT bank_code AS bankCode, bank_name AS bankName, cutoff, sample FROM payee_bank_cutoffs ORDER BY bank_code').all() as (Omit<Cutoff, 'sample'> & { sample: number })[]).map((r) => ({ ...r, sample: r.sample === 1 }));
}

export function saveCutoff(store: Store, actorId: number, input: { bankCode: string; bankName: string; cutoff: string }): Cutoff[] {
  inTransaction(store, () => {
    const at = isoNow(store);
    store.db
      .prepare("INSERT INTO payee_bank_cutoffs (bank_code, bank_name, cutoff, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (bank_code) DO UPDATE SET bank_name = excluded.bank_name, cutoff = excluded.cutoff, sample = 0, source = 'local', updated_at = excluded.updated_at")
      .run(input.bankCode, input.bankName, input.cutoff, at);
    appendAudit(store.db, { at, clerkId: actorId, action: 'cutoff.changed', entity: 'payee_bank_cutoff', entityId: input.bankCode, payload: input });
  });
  return listCutoffs(store);
}

const hm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Belgrade', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short' });

function isBusinessDay(store: Store, day: string): boolean {
  const wd = weekday.format(new Date(`${day}T12:00:00Z`));
  if (wd === 'Sat' || wd === 'Sun') return false;
  return !prep(store.db, 'SELECT 1 FROM bank_holidays WHERE day = ?').get(day);
}

function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The day a payment to this account settles: today before the payee bank's cut-off on a business day, else the next business day. */
export function settlementOf(store: Store, account18: string, at: Date): { settlesOn: string; today: boolean; cutoff: string } {
  const row = prep(store.db, 'SELECT cutoff FROM payee_bank_cutoffs WHERE bank_code = ?').get(account18.slice(0, 3)) as { cutoff: string } | undefined;
  const cutoff = row?.cutoff ?? getSetting(store, 'payment_default_cutoff', '14:00');
  const today = businessDayOf(at);
  if (isBusinessDay(store, today) && hm.format(at) < cutoff) return { settlesOn: today, today: true, cutoff };
  let d = nextDay(today);
  for (let i = 0; i < 30 && !isBusinessDay(store, d); i++) d = nextDay(d);
  return { settlesOn: d, today: false, cutoff };
}

// ---- confirmation ----------------------------------------------------------

export interface PaymentLineData {
  payer: { name: string; address: string; place: string };
  payee: { name: string; account: string };
  purpose: string;
  paymentCode: string;
  paymentCodeFrom: string;
  model: string;
  reference: string;
  amountPara: number;
  feePara: number;
  settlesOn: string;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The IPS QR of a paid slip: the payment as made at the counter (cash payment code). */
export function ipsQrOf(d: PaymentLineData): string {
  const payerLines = [d.payer.name, d.payer.address, d.payer.place].filter((l) => l.trim() !== '');
  let payer = payerLines.join('\n');
  if (payer.length > 70) payer = d.payer.name.slice(0, 70);
  const qr: IpsQr = {
    kind: 'PR',
    version: '01',
    charset: '1',
    payeeAccount: d.payee.account,
    payeeName: d.payee.name.slice(0, 70),
    amountPara: d.amountPara,
    currency: 'RSD',
    paymentCode: d.paymentCode,
    ...(payer ? { payer } : {}),
    ...(d.purpose ? { purpose: d.purpose } : {}),
    ...(d.reference || d.model ? { reference: `${d.model || '00'}${d.reference}`.replace(/[-\s]/g, '') } : {}),
  };
  return serializeIpsQr(qr);
}

/** An A6 payment confirmation for one slip, with the payment's IPS QR freshly encoded as SVG. */
export async function confirmationHtml(input: { receiptNumber: string; lineNo: number; createdAt: string; copy: boolean; data: PaymentLineData }): Promise<string> {
  const d = input.data;
  const qrText = ipsQrOf(d);
  const svg = await QRCode.toString(qrText, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const row = (label: string, value: string) => `<tr><th>${label}</th><td>${esc(value)}</td></tr>`;
  return `<!doctype html>
<html lang="sr"><head><meta charset="utf-8"><title>${esc(input.receiptNumber)} / ${input.lineNo}</title>
<style>
@page { size: A6; margin: 6mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10px; color: #000; margin: 0; }
h1 { font-size: 12px; margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: normal; color: #333; padding: 0.6mm 2mm 0.6mm 0; width: 34%; vertical-align: top; }
td { padding: 0.6mm 0; }
.qr { width: 32mm; height: 32mm; float: right; }
.copy { font-weight: bold; border: 2px solid #000; text-align: center; }
</style></head>
<body data-confirmation="${esc(input.receiptNumber)}/${input.lineNo}">
<div class="qr" data-ips-qr="${esc(qrText)}">${svg}</div>
<h1>Потврда о уплати / Payment confirmation</h1>
${input.copy ? '<div class="copy">КОПИЈА / COPY</div>' : ''}
<table>
${row('Рачун / Receipt', `${input.receiptNumber} · ${input.lineNo}`)}
${row('Време / Time', belgradeTime(input.createdAt))}
${row('Уплатилац / Payer', [d.payer.name, d.payer.address, d.payer.place].filter(Boolean).join(', '))}
${row('Прималац / Payee', d.payee.name)}
${row('Рачун примаоца / Account', formatAccountShort(d.payee.account))}
${row('Сврха / Purpose', d.purpose)}
${row('Шифра / Code', d.paymentCode + (d.paymentCodeFrom !== d.paymentCode ? ` (${d.paymentCodeFrom} → ${d.paymentCode})` : ''))}
${row('Модел и позив / Reference', `${d.model} ${d.reference}`.trim())}
${row('Износ / Amount RSD', formatMoney(d.amountPara))}
${row('Провизија / Fee RSD', formatMoney(d.feePara))}
${row('Извршење / Settles', d.settlesOn)}
</table>
</body></html>`;
}

/** The confirmation of the bill on line lineNo of a receipt. */
export async function confirmationFor(store: Store, number: string, lineNo: number, copy: boolean): Promise<string> {
  const row = prep(
    store.db,
    "SELECT r.created_at, i.item_kind, i.data_json FROM receipts r JOIN receipt_items i ON i.receipt_id = r.id WHERE r.number = ? AND i.line_no = ?",
  ).get(number, lineNo) as { created_at: string; item_kind: string; data_json: string } | undefined;
  if (!row) throw new AppError('NOT_FOUND', `Receipt ${number} has no line ${lineNo}`, { field: 'lineNo' });
  if (row.item_kind !== 'bill_payment') throw new AppError('NOT_FOUND', `Line ${lineNo} of receipt ${number} is not a bill payment`, { field: 'lineNo' });
  return confirmationHtml({ receiptNumber: number, lineNo, createdAt: row.created_at, copy, data: JSON.parse(row.data_json) as PaymentLineData });
}
