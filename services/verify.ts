/**
 * Verify: proves the books from the rows themselves. Every ledger
 * transaction sums to zero; every receipt matches its lines, tenders,
 * postings and the digest its audit row recorded; every till's expected cash
 * is derived again from postings; the audit chain is intact; the receipt
 * numbers run without a gap per day. Names the first bad row.
 */
import type { VerifyFault, VerifyReport } from '../domain/api.js';
import { verifyAuditChain } from '../db/audit.js';
import { accounts } from '../db/ledger.js';
import { receiptDigest } from './receipts.js';
import type { Store } from './store.js';

export function verifyStore(store: Store): VerifyReport {
  const db = store.db;
  const faults: VerifyFault[] = [];
  const add = (f: VerifyFault) => faults.push(f);

  // 1. Every transaction's postings sum to zero.
  for (const r of db
    .prepare('SELECT t.id, t.kind, COALESCE(SUM(p.amount_para), 0) AS s, COUNT(p.id) AS n FROM ledger_transactions t LEFT JOIN postings p ON p.transaction_id = t.id GROUP BY t.id HAVING s <> 0 OR n = 0 ORDER BY t.id')
    .iterate() as Iterable<{ id: number; kind: string; s: number; n: number }>) {
    add({ check: 'postings_sum_to_zero', table: 'ledger_transactions', rowId: r.id, problem: r.n === 0 ? `transaction ${r.id} (${r.kind}) has no postings` : `postings of transaction ${r.id} (${r.kind}) sum to ${r.s} para, not 0` });
  }
  for (const r of db.prepare('SELECT p.id FROM postings p LEFT JOIN ledger_transactions t ON t.id = p.transaction_id WHERE t.id IS NULL').iterate() as Iterable<{ id: number }>) {
    add({ check: 'postings_sum_to_zero', table: 'postings', rowId: r.id, problem: `posting ${r.id} belongs to no transaction` });
  }

  // 2. Receipts: lines, tenders and the cash posting agree; the digest matches the audit row.
  const digests = new Map<string, string>();
  for (const a of db.prepare("SELECT entity_id, payload FROM audit_log WHERE action = 'receipt.created'").iterate() as Iterable<{ entity_id: string; payload: string }>) {
    try {
      digests.set(a.entity_id, (JSON.parse(a.payload) as { digest: string }).digest);
    } catch {
      // a broken payload is reported by the chain check
    }
  }
  const receipts = db
    .prepare(
      `SELECT r.id, r.number, r.total_para, r.tendered_para, r.change_para,
         (SELECT COALESCE(SUM(amount_para + fee_para), 0) FROM receipt_items i WHERE i.receipt_id = r.id) AS items_total,
         (SELECT COUNT(*) FROM receipt_items i WHERE i.receipt_id = r.id) AS items_n,
         (SELECT COALESCE(SUM(amount_para), 0) FROM tenders d WHERE d.receipt_id = r.id) AS tendered
       FROM receipts r ORDER BY r.id`,
    )
    .iterate() as Iterable<{ id: number; number: string; total_para: number; tendered_para: number; change_para: number; items_total: number; items_n: number; tendered: number }>;
  let receiptCount = 0;
  for (const r of receipts) {
    receiptCount++;
    if (r.items_n === 0) add({ check: 'receipt_lines', table: 'receipts', rowId: r.id, problem: `receipt ${r.number} has no lines` });
    else if (r.items_total !== r.total_para) add({ check: 'receipt_lines', table: 'receipts', rowId: r.id, problem: `receipt ${r.number}: lines add up to ${r.items_total} para but the total says ${r.total_para}` });
    if (r.tendered !== r.tendered_para) add({ check: 'receipt_tenders', table: 'receipts', rowId: r.id, problem: `receipt ${r.number}: tenders add up to ${r.tendered} para but the receipt says ${r.tendered_para}` });
    if (r.tendered_para - r.total_para !== r.change_para) add({ check: 'receipt_change', table: 'receipts', rowId: r.id, problem: `receipt ${r.number}: change ${r.change_para} para is not tendered minus total` });
    const recorded = digests.get(String(r.id));
    if (recorded === undefined) add({ check: 'receipt_audited', table: 'receipts', rowId: r.id, problem: `receipt ${r.number} has no audit row` });
    else if (recorded !== receiptDigest(store, r.id)) add({ check: 'receipt_unchanged', table: 'receipts', rowId: r.id, problem: `receipt ${r.number} (or its lines, tenders or postings) was changed after it was written` });
  }

  // 3. Receipt numbers run 1..n per day.
  for (const r of db
    .prepare('SELECT business_day AS day, COUNT(*) AS n, MAX(seq) AS m, MIN(seq) AS lo FROM receipts GROUP BY business_day HAVING n <> m OR lo <> 1')
    .iterate() as Iterable<{ day: string; n: number; m: number }>) {
    add({ check: 'receipt_numbers_gap_free', table: 'receipts', rowId: r.day, problem: `receipt numbers of ${r.day} have a gap: ${r.n} receipts, highest number ${r.m}` });
  }

  // 4. Tills: expected cash is the sum of postings; the close balances the till to zero.
  const discrepancies: VerifyReport['discrepancies'] = [];
  let tillCount = 0;
  for (const t of db
    .prepare('SELECT s.*, c.name AS clerk_name FROM till_sessions s JOIN clerks c ON c.id = s.clerk_id ORDER BY s.id')
    .iterate() as Iterable<{ id: number; clerk_name: string; business_day: string; closed_at: string | null; expected_para: number | null; counted_para: number | null; difference_para: number | null; difference_reason: string | null; float_para: number }>) {
    tillCount++;
    const acct = accounts.till(t.id);
    const sums = db
      .prepare(
        `SELECT
           COALESCE(SUM(p.amount_para), 0) AS balance,
           COALESCE(SUM(CASE WHEN tx.kind NOT IN ('till.difference', 'till.close') THEN p.amount_para END), 0) AS before_close,
           COALESCE(SUM(CASE WHEN tx.kind = 'till.difference' THEN p.amount_para END), 0) AS difference
         FROM postings p JOIN ledger_transactions tx ON tx.id = p.transaction_id WHERE p.account = ?`,
      )
      .get(acct) as { balance: number; before_close: number; difference: number };
    if (t.closed_at) {
      if (sums.before_close !== t.expected_para) add({ check: 'till_expected_cash', table: 'till_sessions', rowId: t.id, problem: `till ${t.id}: postings give expected cash ${sums.before_close} para, the close recorded ${t.expected_para}` });
      if ((t.counted_para ?? 0) - (t.expected_para ?? 0) !== t.difference_para) add({ check: 'till_difference', table: 'till_sessions', rowId: t.id, problem: `till ${t.id}: difference ${t.difference_para} para is not counted minus expected` });
      if (sums.difference !== t.difference_para) add({ check: 'till_difference', table: 'till_sessions', rowId: t.id, problem: `till ${t.id}: the difference posted (${sums.difference} para) is not the difference recorded (${t.difference_para})` });
      if (sums.balance !== 0) add({ check: 'till_closed_to_zero', table: 'till_sessions', rowId: t.id, problem: `till ${t.id} is closed but its account holds ${sums.balance} para` });
      if (t.difference_para && !t.difference_reason) add({ check: 'till_difference_reason', table: 'till_sessions', rowId: t.id, problem: `till ${t.id}: a difference of ${t.difference_para} para has no reason` });
      if (t.difference_para) {
        discrepancies.push({ tillSessionId: t.id, clerkName: t.clerk_name, businessDay: t.business_day, expectedPara: t.expected_para ?? 0, countedPara: t.counted_para ?? 0, differencePara: t.difference_para, reason: t.difference_reason ?? '' });
      }
    } else if (sums.balance < 0) {
      add({ check: 'till_expected_cash', table: 'till_sessions', rowId: t.id, problem: `open till ${t.id} has negative expected cash (${sums.balance} para)` });
    }
  }

  // 5. The append-only guards are still in place.
  const triggers = (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_%'").get() as { n: number }).n;
  if (triggers < 12) add({ check: 'append_only_guards', table: 'sqlite_master', rowId: 'triggers', problem: `only ${triggers} of 12 append-only triggers are present: someone removed a guard` });

  // 6. The audit chain.
  const chain = verifyAuditChain(db);
  if (chain.fault) add({ check: 'audit_chain', table: 'audit_log', rowId: chain.fault.id, problem: chain.fault.problem });

  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    ok: faults.length === 0,
    checkedAt: store.now().toISOString(),
    counts: {
      receipts: receiptCount,
      transactions: count('SELECT COUNT(*) AS n FROM ledger_transactions'),
      postings: count('SELECT COUNT(*) AS n FROM postings'),
      auditRows: chain.rows,
      tills: tillCount,
    },
    faults,
    firstFault: faults[0] ?? null,
    discrepancies,
  };
}
