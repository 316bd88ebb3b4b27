/**
 * Receipts: look-up, day lists, reprints (marked COPY and audited) and the
 * digest the audit chain records, so that an edit to a stored receipt is
 * caught by verify even when the postings still balance.
 */
import { prep } from '../db/prepared.js';
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Page, QuoteLine, Receipt, ReceiptSummary } from '../domain/api.js';
import { appendAudit, canonicalJson } from '../db/audit.js';
import { type Store, inTransaction, isoNow, getMeta } from './store.js';
import type { Session } from './auth.js';

interface ReceiptRow {
  id: number;
  number: string;
  business_day: string;
  seq: number;
  operation_id: string;
  transaction_id: number;
  till_session_id: number;
  clerk_id: number;
  total_para: number;
  tendered_para: number;
  change_para: number;
  created_at: string;
}

interface ItemRow {
  line_no: number;
  item_kind: string;
  description: string;
  quantity: number;
  unit_price_para: number;
  amount_para: number;
  fee_para: number;
  data_json: string;
}

/** sha256 over the receipt's stored content: header, lines, tenders and postings. */
export function receiptDigest(store: Store, receiptId: number): string {
  const r = prep(store.db, 'SELECT number, business_day, seq, operation_id, transaction_id, till_session_id, clerk_id, total_para, tendered_para, change_para, created_at FROM receipts WHERE id = ?')
    .get(receiptId);
  const items = prep(store.db, 'SELECT line_no, item_kind, description, quantity, unit_price_para, amount_para, fee_para, data_json FROM receipt_items WHERE receipt_id = ? ORDER BY line_no').all(receiptId);
  const tenders = prep(store.db, 'SELECT type, amount_para, card_ref FROM tenders WHERE receipt_id = ? ORDER BY id').all(receiptId);
  const postings = prep(store.db, 'SELECT p.id, p.account, p.amount_para FROM postings p JOIN receipts r ON r.transaction_id = p.transaction_id WHERE r.id = ? ORDER BY p.id')
    .all(receiptId);
  const tx = prep(store.db, 'SELECT t.id, t.kind, t.till_session_id, t.clerk_id, t.reference, t.created_at FROM ledger_transactions t JOIN receipts r ON r.transaction_id = t.id WHERE r.id = ?').get(receiptId);
  return createHash('sha256').update(canonicalJson({ r, items, tenders, postings, tx })).digest('hex');
}

export function getReceiptById(store: Store, id: number, copy: boolean): Receipt {
  const r = prep(store.db, 'SELECT * FROM receipts WHERE id = ?').get(id) as ReceiptRow | undefined;
  if (!r) throw new AppError('NOT_FOUND', 'No such receipt');
  const clerk = prep(store.db, 'SELECT id, name, personal_no AS personalNo FROM clerks WHERE id = ?').get(r.clerk_id) as { id: number; name: string; personalNo: string };
  const items = prep(store.db, 'SELECT * FROM receipt_items WHERE receipt_id = ? ORDER BY line_no').all(id) as ItemRow[];
  const tenders = prep(store.db, 'SELECT type, amount_para AS amountPara, card_ref AS cardRef FROM tenders WHERE receipt_id = ? ORDER BY id').all(id) as Receipt['tenders'];
  const reprints = (prep(store.db, 'SELECT COUNT(*) AS n FROM reprints WHERE receipt_id = ?').get(id) as { n: number }).n;
  const [branchCode, counter] = r.number.split('-') as [string, string];
  const lines: QuoteLine[] = items.map((it) => {
    const data = JSON.parse(it.data_json) as { details?: Record<string, string>; warnings?: { code: string; message: string }[] };
    return {
      lineNo: it.line_no,
      kind: it.item_kind,
      description: it.description,
      quantity: it.quantity,
      unitPricePara: it.unit_price_para,
      amountPara: it.amount_para,
      feePara: it.fee_para,
      details: data.details ?? {},
      warnings: data.warnings ?? [],
    };
  });
  return {
    number: r.number,
    businessDay: r.business_day,
    seq: r.seq,
    operationId: r.operation_id,
    createdAt: r.created_at,
    branchCode,
    counterNo: Number(counter),
    clerk,
    lines,
    totalPara: r.total_para,
    tenders,
    tenderedPara: r.tendered_para,
    changePara: r.change_para,
    copy,
    reprints,
  };
}

function idOf(store: Store, number: string): number {
  const row = prep(store.db, 'SELECT id FROM receipts WHERE number = ?').get(number) as { id: number } | undefined;
  if (!row) throw new AppError('NOT_FOUND', `No receipt ${number}`, { field: 'number' });
  return row.id;
}

export function getReceipt(store: Store, number: string, copy = false): Receipt {
  return getReceiptById(store, idOf(store, number), copy);
}

/** One page of receipts, newest first; uses the (business_day, seq) index. */
export function listReceipts(store: Store, input: { businessDay?: string | undefined; offset: number; limit: number }): Page<ReceiptSummary> {
  const where = input.businessDay ? 'WHERE r.business_day = ?' : '';
  const args = input.businessDay ? [input.businessDay] : [];
  const total = (prep(store.db, `SELECT COUNT(*) AS n FROM receipts r ${where}`).get(...args) as { n: number }).n;
  const rows = prep(store.db, 
      `SELECT r.number, r.created_at AS createdAt, c.name AS clerkName, r.total_para AS totalPara,
              (SELECT COUNT(*) FROM receipt_items i WHERE i.receipt_id = r.id) AS lineCount
       FROM receipts r JOIN clerks c ON c.id = r.clerk_id ${where}
       ORDER BY r.business_day DESC, r.seq DESC LIMIT ? OFFSET ?`,
    )
    .all(...args, input.limit, input.offset) as ReceiptSummary[];
  return { rows, total };
}

/** A reprint is marked COPY and recorded, with who asked for it. */
export function reprintReceipt(store: Store, session: Session, number: string): Receipt {
  const id = idOf(store, number);
  inTransaction(store, () => {
    const at = isoNow(store);
    prep(store.db, 'INSERT INTO reprints (receipt_id, clerk_id, created_at) VALUES (?, ?, ?)').run(id, session.clerk.id, at);
    appendAudit(store.db, { at, clerkId: session.clerk.id, action: 'receipt.reprinted', entity: 'receipt', entityId: id, payload: { number } });
  });
  return getReceiptById(store, id, true);
}

export function counterIdentity(store: Store): { branchCode: string; counterNo: string } {
  return { branchCode: getMeta(store, 'branch_code') ?? '', counterNo: getMeta(store, 'counter_no') ?? '' };
}
