/**
 * Verify: proves the books from the rows themselves. Every ledger
 * transaction sums to zero; every receipt matches its lines, tenders,
 * postings and the digest its audit row recorded; every till's expected cash
 * is derived again from postings; the audit chain is intact; the receipt
 * numbers run without a gap per day. Names the first bad row.
 */
import type { VerifyFault, VerifyReport } from '../domain/api.js';
import { verifyAuditChain } from '../db/audit.js';
import { accounts, transactionDigest } from '../db/ledger.js';
import { canonicalJson } from '../db/audit.js';
import { receiptDigest } from './receipts.js';
import type { Store } from './store.js';

/** The guards migration 001 installs; verify names any that is missing. */
export const APPEND_ONLY_TRIGGERS = [
  'receipts_no_update', 'receipts_no_delete', 'receipt_items_no_update', 'receipt_items_no_delete',
  'tenders_no_update', 'tenders_no_delete', 'postings_no_update', 'postings_no_delete',
  'ledger_transactions_no_update', 'ledger_transactions_no_delete',
  'till_sessions_no_update_after_close', 'till_sessions_no_delete',
  'audit_log_no_update', 'audit_log_no_delete',
] as const;

interface AuditPayloads {
  /** ledger transaction id → digest recorded by the operation that wrote it */
  ledger: Map<number, string>;
  tillOpened: Map<number, { clerkId?: number; businessDay?: string; floatPara?: number; count?: unknown }>;
  tillClosed: Map<number, { expectedPara?: number; countedPara?: number; differencePara?: number; reason?: string | null; count?: unknown }>;
  clerkCreated: Map<string, { role: string }>;
}

function readAuditPayloads(store: Store): AuditPayloads {
  const out: AuditPayloads = { ledger: new Map(), tillOpened: new Map(), tillClosed: new Map(), clerkCreated: new Map() };
  for (const a of store.db.prepare("SELECT action, entity_id, payload FROM audit_log WHERE action IN ('till.opened', 'till.closed', 'till.remittance_in', 'till.remittance_out', 'clerk.created', 'setup.completed') OR payload LIKE '%\"ledger\":%' ORDER BY id").iterate() as Iterable<{ action: string; entity_id: string | null; payload: string }>) {
    let p: Record<string, unknown>;
    try {
      p = JSON.parse(a.payload) as Record<string, unknown>;
    } catch {
      continue; // the chain check reports a damaged row
    }
    if (Array.isArray(p.ledger)) for (const l of p.ledger as { id: number; digest: string }[]) out.ledger.set(l.id, l.digest);
    if (a.action === 'till.opened') out.tillOpened.set(Number(a.entity_id), p as never);
    if (a.action === 'till.closed') out.tillClosed.set(Number(a.entity_id), p as never);
    if (a.action === 'clerk.created') out.clerkCreated.set(String(p.personalNo), { role: String(p.role) });
    if (a.action === 'setup.completed') out.clerkCreated.set(String(p.supervisor), { role: 'supervisor' });
  }
  return out;
}

export function verifyStore(store: Store): VerifyReport {
  const db = store.db;
  const faults: VerifyFault[] = [];
  const add = (f: VerifyFault) => faults.push(f);

  // 0. The audit chain first: every later check compares rows with what it recorded.
  const chain = verifyAuditChain(db);
  if (chain.fault) add({ check: 'audit_chain', table: 'audit_log', rowId: chain.fault.id, problem: chain.fault.problem });

  // 1. Every transaction's postings sum to zero.
  for (const r of db
    .prepare('SELECT t.id, t.kind, COALESCE(SUM(p.amount_para), 0) AS s, COUNT(p.id) AS n FROM ledger_transactions t LEFT JOIN postings p ON p.transaction_id = t.id GROUP BY t.id HAVING s <> 0 OR n = 0 ORDER BY t.id')
    .iterate() as Iterable<{ id: number; kind: string; s: number; n: number }>) {
    add({ check: 'postings_sum_to_zero', table: 'ledger_transactions', rowId: r.id, problem: r.n === 0 ? `transaction ${r.id} (${r.kind}) has no postings` : `postings of transaction ${r.id} (${r.kind}) sum to ${r.s} para, not 0` });
  }
  for (const r of db.prepare('SELECT p.id FROM postings p LEFT JOIN ledger_transactions t ON t.id = p.transaction_id WHERE t.id IS NULL').iterate() as Iterable<{ id: number }>) {
    add({ check: 'postings_sum_to_zero', table: 'postings', rowId: r.id, problem: `posting ${r.id} belongs to no transaction` });
  }

  // 1b. Every transaction is covered by the audit row of the operation that wrote it:
  //     a receipt's digest covers its sale, the till operations record their own.
  const audit = readAuditPayloads(store);
  const saleTx = new Set((db.prepare('SELECT transaction_id AS t FROM receipts').all() as { t: number }[]).map((r) => r.t));
  for (const t of db.prepare('SELECT id, kind FROM ledger_transactions ORDER BY id').iterate() as Iterable<{ id: number; kind: string }>) {
    if (saleTx.has(t.id)) continue;
    const recorded = audit.ledger.get(t.id);
    if (recorded === undefined) add({ check: 'ledger_audited', table: 'ledger_transactions', rowId: t.id, problem: `transaction ${t.id} (${t.kind}) has no audit record: it was not written by PostDesk` });
    else if (recorded !== transactionDigest(db, t.id)) add({ check: 'ledger_unchanged', table: 'ledger_transactions', rowId: t.id, problem: `transaction ${t.id} (${t.kind}) or its postings were changed after they were written` });
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
    const opened = audit.tillOpened.get(t.id);
    const row = t as unknown as { clerk_id: number; opening_count_json: string; closing_count_json: string | null };
    if (!opened) add({ check: 'till_audited', table: 'till_sessions', rowId: t.id, problem: `till ${t.id} has no opening audit record` });
    else if (opened.floatPara !== t.float_para || opened.clerkId !== row.clerk_id || opened.businessDay !== t.business_day || canonicalJson(opened.count) !== canonicalJson(JSON.parse(row.opening_count_json)))
      add({ check: 'till_unchanged', table: 'till_sessions', rowId: t.id, problem: `till ${t.id}: its opening (clerk, day, float or count) differs from what was recorded when it opened` });
    if (t.closed_at) {
      const closed = audit.tillClosed.get(t.id);
      if (!closed) add({ check: 'till_audited', table: 'till_sessions', rowId: t.id, problem: `till ${t.id} is closed but has no closing audit record` });
      else if (
        closed.expectedPara !== t.expected_para ||
        closed.countedPara !== t.counted_para ||
        closed.differencePara !== t.difference_para ||
        (closed.reason ?? null) !== (t.difference_reason ?? null) ||
        canonicalJson(closed.count) !== canonicalJson(JSON.parse(row.closing_count_json ?? 'null'))
      )
        add({ check: 'till_unchanged', table: 'till_sessions', rowId: t.id, problem: `till ${t.id}: its close (expected, counted, difference, reason or count) differs from what was recorded when it closed` });
    }
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
  const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((r) => r.name));
  for (const name of APPEND_ONLY_TRIGGERS) {
    if (!present.has(name)) add({ check: 'append_only_guards', table: 'sqlite_master', rowId: name, problem: `the append-only guard ${name} was removed` });
  }

  // 5b. Clerks keep the role and personal number they were created with (no method changes them).
  for (const cl of db.prepare('SELECT id, personal_no, role FROM clerks ORDER BY id').iterate() as Iterable<{ id: number; personal_no: string; role: string }>) {
    const created = audit.clerkCreated.get(cl.personal_no);
    if (!created) add({ check: 'clerk_audited', table: 'clerks', rowId: cl.id, problem: `clerk ${cl.id} (${cl.personal_no}) has no creation audit record` });
    else if (created.role !== cl.role) add({ check: 'clerk_unchanged', table: 'clerks', rowId: cl.id, problem: `clerk ${cl.id} (${cl.personal_no}) was created as ${created.role} but is now ${cl.role}` });
  }


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
