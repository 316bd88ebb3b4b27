/**
 * The till: opened with a float counted by denomination, remittances in and
 * out of the vault, counted and closed. Expected cash is always the sum of
 * the till account's postings; a difference is posted to over/short with the
 * clerk's reason and never silently zeroed.
 */
import { prep } from '../db/prepared.js';
import { AppError } from '../domain/errors.js';
import type { Denomination, DenominationCount, TillView } from '../domain/api.js';
import { formatMoney } from '../domain/money.js';
import { appendAudit } from '../db/audit.js';
import { appendOutbox } from '../db/outbox.js';
import { accounts, balanceOf, postTransaction, transactionDigest } from '../db/ledger.js';
import { businessDayOf } from './clock.js';
import { type Store, inTransaction, isoNow } from './store.js';
import type { Session } from './auth.js';

interface TillRow {
  id: number;
  clerk_id: number;
  business_day: string;
  opened_at: string;
  opening_count_json: string;
  float_para: number;
  closed_at: string | null;
  closing_count_json: string | null;
  expected_para: number | null;
  counted_para: number | null;
  difference_para: number | null;
  difference_reason: string | null;
}

export function listDenominations(store: Store): Denomination[] {
  return (prep(store.db, 'SELECT value_para AS valuePara, form FROM denominations WHERE active = 1 ORDER BY value_para DESC, form DESC').all() as Denomination[]);
}

/** Sums a count by denomination, refusing denominations that are not in the reference table or listed twice. */
export function sumCount(store: Store, count: DenominationCount): number {
  const known = new Set(listDenominations(store).map((d) => `${d.form}:${d.valuePara}`));
  const seen = new Set<string>();
  let total = 0;
  for (const [i, c] of count.entries()) {
    const key = `${c.form}:${c.valuePara}`;
    if (!known.has(key)) throw new AppError('VALIDATION_FAILED', `There is no ${c.form} of ${formatMoney(c.valuePara)} RSD`, { field: `count.${i}.valuePara` });
    if (seen.has(key)) throw new AppError('VALIDATION_FAILED', `The ${c.form} of ${formatMoney(c.valuePara)} RSD is counted twice`, { field: `count.${i}` });
    seen.add(key);
    total += c.valuePara * c.quantity;
    if (!Number.isSafeInteger(total)) throw new AppError('AMOUNT_TOO_LARGE', 'The count is too large');
  }
  return total;
}

function view(store: Store, row: TillRow): TillView {
  const acct = accounts.till(row.id);
  const stats = prep(store.db, 
      `SELECT
         COALESCE(SUM(CASE WHEN t.kind = 'sale' THEN 1 ELSE 0 END), 0) AS sales
       FROM ledger_transactions t WHERE t.till_session_id = ?`,
    )
    .get(row.id) as { sales: number };
  const flows = prep(store.db, 
      `SELECT
         COALESCE(SUM(CASE WHEN p.account = ? AND p.amount_para > 0 THEN p.amount_para END), 0) AS cash_in,
         COALESCE(SUM(CASE WHEN p.account = ? AND p.amount_para < 0 THEN -p.amount_para END), 0) AS cash_out,
         COALESCE(SUM(CASE WHEN p.account = ? THEN p.amount_para END), 0) AS card
       FROM postings p JOIN ledger_transactions t ON t.id = p.transaction_id
       WHERE t.till_session_id = ?`,
    )
    .get(acct, acct, accounts.cardClearing, row.id) as { cash_in: number; cash_out: number; card: number };
  return {
    id: row.id,
    clerkId: row.clerk_id,
    businessDay: row.business_day,
    openedAt: row.opened_at,
    floatPara: row.float_para,
    expectedPara: row.closed_at ? (row.expected_para ?? 0) : balanceOf(store.db, acct),
    closedAt: row.closed_at,
    countedPara: row.counted_para,
    differencePara: row.difference_para,
    differenceReason: row.difference_reason,
    salesCount: stats.sales,
    cashInPara: flows.cash_in,
    cashOutPara: flows.cash_out,
    cardPara: flows.card,
  };
}

export function openTillRow(store: Store, clerkId: number): TillRow | null {
  return (prep(store.db, 'SELECT * FROM till_sessions WHERE clerk_id = ? AND closed_at IS NULL').get(clerkId) as TillRow | undefined) ?? null;
}

/** The clerk's open till, or TILL_NOT_OPEN. */
export function requireOpenTill(store: Store, clerkId: number): TillRow {
  const row = openTillRow(store, clerkId);
  if (!row) throw new AppError('TILL_NOT_OPEN', 'Open the till first: a closed till cannot sell');
  return row;
}

export function tillStatus(store: Store, clerkId: number): TillView | null {
  const row = openTillRow(store, clerkId);
  return row ? view(store, row) : null;
}

export function openTill(store: Store, session: Session, count: DenominationCount): TillView {
  const floatPara = sumCount(store, count);
  const id = inTransaction(store, () => {
    if (openTillRow(store, session.clerk.id)) throw new AppError('TILL_ALREADY_OPEN', 'Your till is already open');
    const at = isoNow(store);
    const day = businessDayOf(store.now());
    const id = Number(
      prep(store.db, 'INSERT INTO till_sessions (clerk_id, business_day, opened_at, opening_count_json, float_para) VALUES (?, ?, ?, ?, ?)')
        .run(session.clerk.id, day, at, JSON.stringify(count), floatPara).lastInsertRowid,
    );
    const txId = postTransaction(store.db, {
      kind: 'till.open',
      tillSessionId: id,
      clerkId: session.clerk.id,
      at,
      postings: [
        { account: accounts.till(id), amountPara: floatPara },
        { account: accounts.vault, amountPara: -floatPara },
      ],
    });
    appendAudit(store.db, { at, clerkId: session.clerk.id, action: 'till.opened', entity: 'till_session', entityId: id, payload: { clerkId: session.clerk.id, businessDay: day, floatPara, count, ledger: [{ id: txId, digest: transactionDigest(store.db, txId) }] } });
    appendOutbox(store.db, 'till.opened', { tillSessionId: id, clerk: session.clerk.personalNo, businessDay: day, floatPara, at }, at);
    return id;
  });
  return view(store, getTill(store, id));
}

export function getTill(store: Store, id: number): TillRow {
  const row = prep(store.db, 'SELECT * FROM till_sessions WHERE id = ?').get(id) as TillRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `No till session ${id}`);
  return row;
}

export function remittance(store: Store, session: Session, input: { direction: 'in' | 'out'; amountPara: number; reference: string }): TillView {
  const id = inTransaction(store, () => {
    const till = requireOpenTill(store, session.clerk.id);
    const acct = accounts.till(till.id);
    const at = isoNow(store);
    if (input.direction === 'out') {
      const cash = balanceOf(store.db, acct);
      if (input.amountPara > cash) {
        throw new AppError('TILL_CASH_SHORT', `The till holds ${formatMoney(cash)} RSD; ${formatMoney(input.amountPara)} RSD cannot be taken out`, { field: 'amountPara', details: { expectedPara: cash } });
      }
    }
    const sign = input.direction === 'in' ? 1 : -1;
    const txId = postTransaction(store.db, {
      kind: `remittance.${input.direction}`,
      tillSessionId: till.id,
      clerkId: session.clerk.id,
      reference: input.reference,
      at,
      postings: [
        { account: acct, amountPara: sign * input.amountPara },
        { account: accounts.vault, amountPara: -sign * input.amountPara },
      ],
    });
    appendAudit(store.db, { at, clerkId: session.clerk.id, action: `till.remittance_${input.direction}`, entity: 'ledger_transaction', entityId: txId, payload: { tillSessionId: till.id, amountPara: input.amountPara, reference: input.reference, ledger: [{ id: txId, digest: transactionDigest(store.db, txId) }] } });
    appendOutbox(store.db, `till.remittance_${input.direction}`, { tillSessionId: till.id, amountPara: input.amountPara, reference: input.reference, at }, at);
    return till.id;
  });
  return view(store, getTill(store, id));
}

export function closeTill(store: Store, session: Session, input: { count: DenominationCount; reason?: string | undefined }): TillView {
  const counted = sumCount(store, input.count);
  const id = inTransaction(store, () => {
    const till = requireOpenTill(store, session.clerk.id);
    const acct = accounts.till(till.id);
    const expected = balanceOf(store.db, acct);
    const difference = counted - expected;
    const reason = input.reason?.trim() ?? '';
    if (difference !== 0 && reason.length < 3) {
      throw new AppError('DIFFERENCE_REASON_REQUIRED', `The count differs from the expected cash by ${formatMoney(difference)} RSD: give the reason`, {
        field: 'reason',
        details: { expectedPara: expected, countedPara: counted, differencePara: difference },
      });
    }
    const at = isoNow(store);
    const ledger: { id: number; digest: string }[] = [];
    if (difference !== 0) {
      const diffTx = postTransaction(store.db, {
        kind: 'till.difference',
        tillSessionId: till.id,
        clerkId: session.clerk.id,
        reference: reason,
        at,
        postings: [
          { account: acct, amountPara: difference },
          { account: accounts.overShort, amountPara: -difference },
        ],
      });
      ledger.push({ id: diffTx, digest: transactionDigest(store.db, diffTx) });
    }
    const closeTx = postTransaction(store.db, {
      kind: 'till.close',
      tillSessionId: till.id,
      clerkId: session.clerk.id,
      at,
      postings: [
        { account: acct, amountPara: -counted },
        { account: accounts.vault, amountPara: counted },
      ],
    });
    ledger.push({ id: closeTx, digest: transactionDigest(store.db, closeTx) });
    prep(store.db, 
        'UPDATE till_sessions SET closed_at = ?, closing_count_json = ?, expected_para = ?, counted_para = ?, difference_para = ?, difference_reason = ? WHERE id = ? AND closed_at IS NULL',
      )
      .run(at, JSON.stringify(input.count), expected, counted, difference, difference === 0 ? null : reason, till.id);
    appendAudit(store.db, {
      at,
      clerkId: session.clerk.id,
      action: 'till.closed',
      entity: 'till_session',
      entityId: till.id,
      payload: { expectedPara: expected, countedPara: counted, differencePara: difference, reason: difference === 0 ? null : reason, count: input.count, ledger },
    });
    appendOutbox(store.db, 'till.closed', { tillSessionId: till.id, expectedPara: expected, countedPara: counted, differencePara: difference, reason: difference === 0 ? null : reason, at }, at);
    return till.id;
  });
  return view(store, getTill(store, id));
}

export function listTills(store: Store, businessDay: string): TillView[] {
  return (prep(store.db, 'SELECT * FROM till_sessions WHERE business_day = ? ORDER BY id').all(businessDay) as TillRow[]).map((r) => view(store, r));
}
