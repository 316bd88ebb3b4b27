/**
 * Double-entry ledger. Every money movement is one ledger transaction whose
 * postings sum to zero; balances (a till's expected cash, what is owed to a
 * biller) are sums of postings, never stored counters.
 */
import type { Statement } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Db } from './open.js';
import { canonicalJson } from './audit.js';
import { prep as prepOnce } from './prepared.js';

export interface Posting {
  account: string;
  amountPara: number;
}

export interface NewTransaction {
  kind: string;
  tillSessionId: number | null;
  clerkId: number;
  reference?: string | null;
  at: string;
  postings: Posting[];
}

/** Account names. One word per idea: a till's cash, the branch vault, card clearing … */
export const accounts = {
  till: (tillSessionId: number) => `till:${tillSessionId}`,
  vault: 'vault',
  cardClearing: 'card:clearing',
  overShort: 'cash:over_short',
  revenue: (service: string) => `revenue:${service}`,
  owedTo: (party: string) => `owed:${party}`,
} as const;

const cache = new WeakMap<Db, { tx: Statement; posting: Statement; balance: Statement }>();

function stmts(db: Db) {
  let s = cache.get(db);
  if (!s) {
    s = {
      tx: db.prepare('INSERT INTO ledger_transactions (kind, till_session_id, clerk_id, reference, created_at) VALUES (?, ?, ?, ?, ?)'),
      posting: db.prepare('INSERT INTO postings (transaction_id, account, amount_para) VALUES (?, ?, ?)'),
      balance: db.prepare('SELECT COALESCE(SUM(amount_para), 0) AS b FROM postings WHERE account = ?'),
    };
    cache.set(db, s);
  }
  return s;
}

/** Writes a transaction and its postings. Refuses postings that do not sum to zero. Call inside a db transaction. */
export function postTransaction(db: Db, t: NewTransaction): number {
  let sum = 0;
  for (const p of t.postings) {
    if (!Number.isSafeInteger(p.amountPara)) throw new Error(`posting to ${p.account} is not a whole number of para`);
    sum += p.amountPara;
  }
  if (sum !== 0) throw new Error(`postings of ${t.kind} sum to ${sum}, not zero`);
  const s = stmts(db);
  const id = Number(s.tx.run(t.kind, t.tillSessionId, t.clerkId, t.reference ?? null, t.at).lastInsertRowid);
  for (const p of t.postings) if (p.amountPara !== 0) s.posting.run(id, p.account, p.amountPara);
  return id;
}

export function balanceOf(db: Db, account: string): number {
  return (stmts(db).balance.get(account) as { b: number }).b;
}

/**
 * sha256 over a ledger transaction's row and its postings. The audit row of
 * the operation that wrote it records this, so verify catches an edit that
 * keeps the postings balanced (moving money between two accounts).
 */
export function transactionDigest(db: Db, transactionId: number): string {
  const tx = prepOnce(db, 'SELECT id, kind, till_session_id, clerk_id, reference, created_at FROM ledger_transactions WHERE id = ?').get(transactionId);
  const postings = prepOnce(db, 'SELECT id, account, amount_para FROM postings WHERE transaction_id = ? ORDER BY id').all(transactionId);
  return createHash('sha256').update(canonicalJson({ tx, postings })).digest('hex');
}
