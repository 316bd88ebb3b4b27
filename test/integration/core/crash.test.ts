/**
 * Crash safety: a child process sells in a loop and prints each receipt
 * number after its commit returns; we SIGKILL it at a random moment, 20
 * times on the same data folder, and after each kill reopen the store the way
 * the app does and prove that nothing printed was lost and nothing half-written
 * was kept.
 */
import { mulberry32 } from '../../../domain/random.js';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/open.js';
import { openCounterStore } from '../../../services/store.js';
import { verifyStore } from '../../../services/verify.js';
import { compactDay } from '../../../services/clock.js';
import { REPO_ROOT, count, setUpCounter, removeTempDirs, tempDir } from '../../fixtures/counter.js';

const ROUNDS = 20;
const CHILD = path.join(REPO_ROOT, 'test', 'fixtures', 'checkout-loop.ts');


interface Round {
  printed: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
  delayMs: number;
}

/** Runs the child until it has printed a first receipt, then SIGKILLs it delayMs later. */
function runAndKill(dir: string, delayMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      out += s;
      if (!timer && out.includes('\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      // Only whole lines count as printed: a number is printed once its newline is out.
      const lines = out.split('\n');
      lines.pop();
      resolve({ printed: lines, signal, code, stderr, delayMs });
    });
  });
}

interface ReceiptRow {
  id: number;
  number: string;
  business_day: string;
  seq: number;
  transaction_id: number;
}

/** Everything a receipt must have once it exists: the one-transaction promise of the checkout. */
function partialRows(db: Db): string[] {
  const problems: string[] = [];
  const col = <T>(sql: string) => db.prepare(sql).all() as T[];
  const lines = new Map(col<{ k: number; n: number }>('SELECT receipt_id AS k, COUNT(*) AS n FROM receipt_items GROUP BY receipt_id').map((r) => [r.k, r.n]));
  const tenders = new Map(col<{ k: number; n: number }>('SELECT receipt_id AS k, COUNT(*) AS n FROM tenders GROUP BY receipt_id').map((r) => [r.k, r.n]));
  const sums = new Map(col<{ k: number; s: number; n: number }>('SELECT transaction_id AS k, SUM(amount_para) AS s, COUNT(*) AS n FROM postings GROUP BY transaction_id').map((r) => [r.k, r]));
  const sales = new Map(col<{ id: number; reference: string }>("SELECT id, reference FROM ledger_transactions WHERE kind = 'sale'").map((r) => [r.id, r.reference]));
  const audited = new Set(col<{ e: string }>("SELECT entity_id AS e FROM audit_log WHERE action = 'receipt.created'").map((r) => r.e));
  const events = new Set(col<{ n: string }>("SELECT json_extract(payload, '$.number') AS n FROM outbox WHERE type = 'receipt.created'").map((r) => r.n));
  const receipts = col<ReceiptRow>('SELECT id, number, business_day, seq, transaction_id FROM receipts');
  const ids = new Set(receipts.map((r) => r.id));
  const numbers = new Set(receipts.map((r) => r.number));
  const txOfReceipts = new Set(receipts.map((r) => r.transaction_id));
  for (const r of receipts) {
    if (!lines.get(r.id)) problems.push(`receipt without lines: ${r.number}`);
    if (!tenders.get(r.id)) problems.push(`receipt without tenders: ${r.number}`);
    if (sales.get(r.transaction_id) !== r.number) problems.push(`receipt without its sale transaction: ${r.number}`);
    const p = sums.get(r.transaction_id);
    if (!p || p.n === 0 || p.s !== 0) problems.push(`receipt whose postings do not sum to zero: ${r.number}`);
    if (!audited.has(String(r.id))) problems.push(`receipt without its audit row: ${r.number}`);
    if (!events.has(r.number)) problems.push(`receipt without its outbox event: ${r.number}`);
  }
  for (const [id, ref] of sales) if (!txOfReceipts.has(id)) problems.push(`sale transaction ${id} without its receipt (${ref})`);
  for (const e of audited) if (!ids.has(Number(e))) problems.push(`receipt audit row for receipt ${e}, which does not exist`);
  for (const n of events) if (!numbers.has(n)) problems.push(`outbox event for receipt ${n}, which does not exist`);
  for (const k of lines.keys()) if (!ids.has(k)) problems.push(`lines of receipt ${k}, which does not exist`);
  for (const k of tenders.keys()) if (!ids.has(k)) problems.push(`tenders of receipt ${k}, which does not exist`);
  return problems;
}

/** Per business day the sequence runs 1..n, and each number spells its day and sequence. */
function numberingProblems(db: Db): string[] {
  const problems: string[] = [];
  const expected = new Map<string, number>();
  for (const r of db.prepare('SELECT id, number, business_day, seq, transaction_id FROM receipts ORDER BY business_day, seq').all() as ReceiptRow[]) {
    const want = (expected.get(r.business_day) ?? 0) + 1;
    expected.set(r.business_day, r.seq);
    if (r.seq !== want) problems.push(`${r.business_day}: expected seq ${want}, found ${r.seq} (${r.number})`);
    if (!r.number.endsWith(`-${compactDay(r.business_day)}-${String(r.seq).padStart(4, '0')}`)) problems.push(`${r.number} does not spell day ${r.business_day} seq ${r.seq}`);
  }
  return problems;
}

describe('crash safety', () => {
  const dir = tempDir('crash');
  const seed = Number(process.env.POSTDESK_CRASH_SEED ?? Date.now() % 1_000_000);
  const random = mulberry32(seed);
  const timings: number[] = [];

  afterAll(() => {
    removeTempDirs();
    console.info(`crash test: seed ${seed}; kill delays ${timings.join(', ')} ms`);
  });

  it(`keeps every printed receipt and no partial rows across ${ROUNDS} SIGKILLs at random moments`, async () => {
    const setup = openCounterStore(dir);
    setUpCounter(setup);
    setup.close();

    const everPrinted = new Set<string>();
    let receiptsBefore = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const delayMs = 50 + Math.floor(random() * 351);
      timings.push(delayMs);
      const r = await runAndKill(dir, delayMs);
      const where = `round ${round} (seed ${seed}, kill after ${delayMs} ms)`;
      expect(r.signal, `${where}: the child ended by itself (code ${r.code}): ${r.stderr}`).toBe('SIGKILL');
      expect(r.printed.length, `${where}: the child printed nothing: ${r.stderr}`).toBeGreaterThan(0);

      const store = openCounterStore(dir);
      try {
        // The child's running mark was left behind, so opening ran integrity_check (and it passed).
        expect(store.opened.recoveredFromUncleanExit, where).toBe(true);
        const db = store.db;
        const numbers = new Set((db.prepare('SELECT number FROM receipts').all() as { number: string }[]).map((x) => x.number));
        const lost = r.printed.filter((n) => !numbers.has(n));
        expect(lost, `${where}: printed receipts missing after the crash`).toEqual([]);
        for (const n of r.printed) {
          expect(everPrinted.has(n), `${where}: ${n} printed twice`).toBe(false);
          everPrinted.add(n);
        }
        // At most the one checkout whose commit returned but whose number was not yet printed.
        const made = numbers.size - receiptsBefore;
        expect(made - r.printed.length, `${where}: ${made} receipts committed, ${r.printed.length} printed`).toBeGreaterThanOrEqual(0);
        expect(made - r.printed.length, `${where}: ${made} receipts committed, ${r.printed.length} printed`).toBeLessThanOrEqual(1);
        receiptsBefore = numbers.size;

        expect(partialRows(db), where).toEqual([]);
        expect(numberingProblems(db), where).toEqual([]);
        // The outbox sequence sync relies on has no holes either.
        expect(count(db, 'SELECT COALESCE(MAX(seq), 0) - COUNT(*) AS n FROM outbox'), `${where}: outbox sequence has a gap`).toBe(0);

        const report = verifyStore(store);
        expect(report.faults, where).toEqual([]);
        expect(report.ok).toBe(true);
        expect(report.counts.receipts).toBe(numbers.size);
      } finally {
        store.close();
      }
    }
    expect(everPrinted.size).toBeGreaterThanOrEqual(ROUNDS);
  }, 240_000);
});
