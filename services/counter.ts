/**
 * Basket and checkout. Prices come from the registered item kinds at the
 * moment of checkout; the clerk's expected total guards against a tariff
 * changing under the screen. A checkout is idempotent on its operation id:
 * the same id returns the first receipt, however often and however
 * concurrently it is sent. One SQLite transaction writes the receipt, its
 * lines, tenders, postings, the audit row and the outbox event.
 */
import { prep } from '../db/prepared.js';
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Quote, QuoteLine, Receipt } from '../domain/api.js';
import type { ItemInput } from '../domain/items.js';
import { formatMoney } from '../domain/money.js';
import { appendAudit, canonicalJson } from '../db/audit.js';
import { appendOutbox } from '../db/outbox.js';
import { accounts, postTransaction, type Posting } from '../db/ledger.js';
import { itemKind, type PricedLine, type PricingContext } from './kinds/index.js';
import { businessDayOf, compactDay } from './clock.js';
import { requireOpenTill } from './till.js';
import { requireSetUp } from './setup.js';
import { getReceiptById, receiptDigest } from './receipts.js';
import { type Store, inTransaction, isoNow } from './store.js';
import type { Session } from './auth.js';

interface Priced {
  input: ItemInput;
  line: PricedLine;
}

function priceAll(ctx: PricingContext, items: ItemInput[]): Priced[] {
  return items.map((input, i) => {
    try {
      const kind = itemKind(input.kind);
      return { input, line: kind.price(ctx, input as never) };
    } catch (e) {
      if (e instanceof AppError) {
        throw new AppError(e.code, `Line ${i + 1}: ${e.message}`, { field: `items.${i}${e.field ? `.${e.field}` : ''}`, ...(e.details ? { details: e.details } : {}) });
      }
      throw e;
    }
  });
}

function toQuoteLine(p: Priced, i: number): QuoteLine {
  return {
    lineNo: i + 1,
    kind: p.input.kind,
    description: p.line.description,
    quantity: p.line.quantity,
    unitPricePara: p.line.unitPricePara,
    amountPara: p.line.amountPara,
    feePara: p.line.feePara,
    details: p.line.details,
    warnings: p.line.warnings,
  };
}

function totalOf(priced: Priced[]): number {
  let total = 0;
  for (const p of priced) total += p.line.amountPara + p.line.feePara;
  if (!Number.isSafeInteger(total)) throw new AppError('AMOUNT_TOO_LARGE', 'The basket total is too large');
  return total;
}

export function quote(store: Store, session: Session, items: ItemInput[]): Quote {
  const priced = priceAll({ store, at: isoNow(store), clerkId: session.clerk.id }, items);
  return { lines: priced.map(toQuoteLine), totalPara: totalOf(priced) };
}

export interface CheckoutInput {
  operationId: string;
  items: ItemInput[];
  tenders: { type: 'cash' | 'card'; amountPara: number; cardRef?: string | undefined }[];
  expectedTotalPara: number;
}

function requestHash(input: CheckoutInput): string {
  return createHash('sha256').update(canonicalJson({ items: input.items, tenders: input.tenders, expectedTotalPara: input.expectedTotalPara })).digest('hex');
}

/** The sale already went through under this id with another basket or tender: say which receipt it made, so it is never sold twice. */
function operationConflict(number: string): AppError {
  return new AppError('OPERATION_CONFLICT', `This checkout was already completed as receipt ${number}, with a different basket or payment. Look that receipt up before selling again.`, {
    details: { receiptNumber: number },
  });
}

function existingReceipt(store: Store, operationId: string, hash: string): Receipt | null {
  const row = prep(store.db, 'SELECT id, number, request_hash FROM receipts WHERE operation_id = ?').get(operationId) as { id: number; number: string; request_hash: string } | undefined;
  if (!row) return null;
  if (row.request_hash !== hash) throw operationConflict(row.number);
  return getReceiptById(store, row.id, false);
}

export function checkout(store: Store, session: Session, input: CheckoutInput): Receipt {
  const hash = requestHash(input);
  const done = existingReceipt(store, input.operationId, hash);
  if (done) return done;
  const { branchCode, counterNo } = requireSetUp(store);

  const receiptId = inTransaction(store, () => {
    // Checked again inside the write lock: a concurrent twin may have committed meanwhile.
    const twin = prep(store.db, 'SELECT id, number, request_hash FROM receipts WHERE operation_id = ?').get(input.operationId) as { id: number; number: string; request_hash: string } | undefined;
    if (twin) {
      if (twin.request_hash !== hash) throw operationConflict(twin.number);
      return twin.id;
    }
    const till = requireOpenTill(store, session.clerk.id);
    const now = store.now();
    const at = now.toISOString();
    const ctx: PricingContext = { store, at, clerkId: session.clerk.id };
    const priced = priceAll(ctx, input.items);
    const total = totalOf(priced);
    if (total !== input.expectedTotalPara) {
      throw new AppError('PRICE_CHANGED', `The total is now ${formatMoney(total)} RSD, not ${formatMoney(input.expectedTotalPara)} RSD: a tariff changed. Check the basket and take payment again.`, {
        details: { totalPara: total, expectedTotalPara: input.expectedTotalPara },
      });
    }

    let cash = 0;
    let card = 0;
    for (const t of input.tenders) {
      if (t.type === 'cash') cash += t.amountPara;
      else card += t.amountPara;
    }
    if (card > total) throw new AppError('TENDER_INVALID', 'A card cannot pay more than the total (no cash back)', { field: 'tenders' });
    const tendered = cash + card;
    if (tendered < total) {
      throw new AppError('INSUFFICIENT_TENDER', `${formatMoney(total - tendered)} RSD is still to be paid`, { field: 'tenders', details: { totalPara: total, tenderedPara: tendered } });
    }
    const change = tendered - total;
    if (change > cash) throw new AppError('TENDER_INVALID', 'Change can only be given from cash', { field: 'tenders' });

    const day = businessDayOf(now);
    const seq = (prep(store.db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM receipts WHERE business_day = ?').get(day) as { s: number }).s;
    const number = `${branchCode}-${String(counterNo).padStart(2, '0')}-${compactDay(day)}-${String(seq).padStart(4, '0')}`;

    const postings: Posting[] = [];
    if (cash - change !== 0) postings.push({ account: accounts.till(till.id), amountPara: cash - change });
    if (card !== 0) postings.push({ account: accounts.cardClearing, amountPara: card });
    for (const p of priced) {
      let credit = 0;
      for (const c of p.line.credits) credit += c.amountPara;
      if (credit !== -(p.line.amountPara + p.line.feePara)) throw new Error(`item kind ${p.input.kind} credits ${credit}, expected ${-(p.line.amountPara + p.line.feePara)}`);
      postings.push(...p.line.credits);
    }
    const txId = postTransaction(store.db, { kind: 'sale', tillSessionId: till.id, clerkId: session.clerk.id, reference: number, at, postings });

    const id = Number(
      prep(store.db, 
          `INSERT INTO receipts (number, business_day, seq, operation_id, request_hash, transaction_id, till_session_id, clerk_id, total_para, tendered_para, change_para, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(number, day, seq, input.operationId, hash, txId, till.id, session.clerk.id, total, tendered, change, at).lastInsertRowid,
    );
    const insertItem = prep(store.db, 
      `INSERT INTO receipt_items (receipt_id, line_no, item_kind, description, quantity, unit_price_para, amount_para, fee_para, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    priced.forEach((p, i) => {
      const data = { ...p.line.data, details: p.line.details, warnings: p.line.warnings };
      insertItem.run(id, i + 1, p.input.kind, p.line.description, p.line.quantity, p.line.unitPricePara, p.line.amountPara, p.line.feePara, canonicalJson(data));
    });
    const insertTender = prep(store.db, 'INSERT INTO tenders (receipt_id, type, amount_para, card_ref) VALUES (?, ?, ?, ?)');
    for (const t of input.tenders) insertTender.run(id, t.type, t.amountPara, t.cardRef ?? null);
    priced.forEach((p, i) => {
      itemKind(p.input.kind).onCommit?.({ ...ctx, receiptId: id, receiptNumber: number, lineNo: i + 1 }, p.input as never, p.line);
    });

    appendAudit(store.db, {
      at,
      clerkId: session.clerk.id,
      action: 'receipt.created',
      entity: 'receipt',
      entityId: id,
      payload: { number, digest: receiptDigest(store, id) },
    });
    appendOutbox(
      store.db,
      'receipt.created',
      {
        number,
        businessDay: day,
        operationId: input.operationId,
        clerk: session.clerk.personalNo,
        at,
        totalPara: total,
        changePara: change,
        tenders: input.tenders,
        lines: priced.map((p, i) => ({ lineNo: i + 1, kind: p.input.kind, description: p.line.description, quantity: p.line.quantity, amountPara: p.line.amountPara, feePara: p.line.feePara, data: p.line.data })),
        postings,
      },
      at,
    );
    return id;
  });
  return getReceiptById(store, receiptId, false);
}
