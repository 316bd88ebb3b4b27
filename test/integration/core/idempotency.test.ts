/**
 * Idempotency: one operation id is one receipt, however often and however
 * concurrently the checkout is sent — through browser mode's HTTP, through
 * the dispatcher the Electron IPC handler calls, and from separate processes
 * writing to the same database file.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../domain/uuid7.js';
import type { Result } from '../../../domain/errors.js';
import type { Receipt } from '../../../domain/api.js';
import { createDispatcher, type Dispatcher } from '../../../services/api.js';
import { startBrowserMode, type BrowserMode } from '../../../services/browserMode.js';
import { BASKET, BASKET_TOTAL, CLERK, FLOAT, REPO_ROOT, count, httpCall, setUpCounter, removeTempDirs, tempDir } from '../../fixtures/counter.js';

let mode: BrowserMode;
let dispatcher: Dispatcher;
let session: string;
const token = 'launch-token-idempotency';

function checkoutInput(operationId: string, items = BASKET, total = BASKET_TOTAL) {
  return { operationId, items, tenders: [{ type: 'cash', amountPara: 50000 }], expectedTotalPara: total };
}

function receiptsWith(operationId: string): number {
  return count(mode.store.db, 'SELECT COUNT(*) AS n FROM receipts WHERE operation_id = ?', operationId);
}

/** Rows a checkout writes besides the receipt: all must exist exactly once per receipt. */
function rowsPerReceipt(operationId: string) {
  const db = mode.store.db;
  const r = db.prepare('SELECT id, number, transaction_id FROM receipts WHERE operation_id = ?').get(operationId) as { id: number; number: string; transaction_id: number };
  return {
    sales: count(db, "SELECT COUNT(*) AS n FROM ledger_transactions WHERE kind = 'sale' AND reference = ?", r.number),
    audit: count(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'receipt.created' AND entity_id = ?", String(r.id)),
    outbox: count(db, "SELECT COUNT(*) AS n FROM outbox WHERE type = 'receipt.created' AND json_extract(payload, '$.operationId') = ?", operationId),
    lines: count(db, 'SELECT COUNT(*) AS n FROM receipt_items WHERE receipt_id = ?', r.id),
  };
}

beforeAll(async () => {
  const dir = tempDir('idem');
  mode = await startBrowserMode({ dataDir: dir, port: 0, token });
  setUpCounter(mode.store);
  dispatcher = createDispatcher(mode.store);
  const signedIn = await httpCall(mode.http.url, token, 'auth.signIn', { personalNo: CLERK.personalNo, pin: CLERK.pin });
  expect(signedIn.body.ok).toBe(true);
  session = (signedIn.body as { ok: true; value: { sessionToken: string } }).value.sessionToken;
  const till = await httpCall(mode.http.url, token, 'till.open', { count: FLOAT }, session);
  expect(till.body.ok).toBe(true);
});

afterAll(async () => {
  await mode?.stop();
  removeTempDirs();
});

describe('idempotent checkout', () => {
  it('makes one receipt from 5 concurrent HTTP checkouts with one operation id and answers the same 5 times', async () => {
    const operationId = uuidv7();
    const before = count(mode.store.db, 'SELECT COUNT(*) AS n FROM receipts');
    const answers = await Promise.all(Array.from({ length: 5 }, () => httpCall(mode.http.url, token, 'counter.checkout', checkoutInput(operationId), session)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const first = answers[0]!.body;
    expect(first.ok).toBe(true);
    for (const a of answers) expect(a.body).toEqual(first);
    expect((first as { ok: true; value: Receipt }).value).toMatchObject({ operationId, totalPara: BASKET_TOTAL, changePara: 50000 - BASKET_TOTAL, copy: false });
    expect(receiptsWith(operationId)).toBe(1);
    expect(count(mode.store.db, 'SELECT COUNT(*) AS n FROM receipts')).toBe(before + 1);
    expect(rowsPerReceipt(operationId)).toEqual({ sales: 1, audit: 1, outbox: 1, lines: 2 });

    // A sixth try, later (the clerk pressed Enter again after the screen came back), still gives the first answer.
    expect((await httpCall(mode.http.url, token, 'counter.checkout', checkoutInput(operationId), session)).body).toEqual(first);
    expect(receiptsWith(operationId)).toBe(1);
  });

  it('makes one receipt from 5 concurrent dispatcher calls (the Electron IPC path) and answers the same 5 times', async () => {
    const operationId = uuidv7();
    const answers = await Promise.all(Array.from({ length: 5 }, () => dispatcher.call('counter.checkout', checkoutInput(operationId), session)));
    const first = answers[0]!;
    expect(first.ok).toBe(true);
    for (const a of answers) expect(a).toEqual(first);
    expect(receiptsWith(operationId)).toBe(1);
    expect(rowsPerReceipt(operationId)).toEqual({ sales: 1, audit: 1, outbox: 1, lines: 2 });
    // The same id through the other transport is the same receipt too.
    expect((await httpCall(mode.http.url, token, 'counter.checkout', checkoutInput(operationId), session)).body).toEqual(first);
  });

  it('makes one receipt when 5 processes with their own connections send one operation id at the same moment', async () => {
    const operationId = uuidv7();
    const child = path.join(REPO_ROOT, 'test', 'fixtures', 'checkout-once.ts');
    const procs = Array.from({ length: 5 }, () => spawn(process.execPath, ['--import', 'tsx', child, mode.store.dataDir, session], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
    const outputs = procs.map(
      (p) =>
        new Promise<{ lines: string[]; stderr: string; code: number | null }>((resolve, reject) => {
          let out = '';
          let err = '';
          p.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
          p.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
          p.on('error', reject);
          p.on('close', (code) => resolve({ lines: out.split('\n').filter(Boolean), stderr: err, code }));
        }),
    );
    // Wait until every child is ready, then release them all at once.
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve, reject) => {
            const onData = (s: Buffer) => {
              if (s.toString().includes('ready')) {
                p.stdout.off('data', onData);
                resolve();
              }
            };
            p.stdout.on('data', onData);
            p.on('close', () => reject(new Error('a child exited before it was ready')));
          }),
      ),
    );
    const line = `${JSON.stringify(checkoutInput(operationId))}\n`;
    for (const p of procs) p.stdin.end(line);
    const results = await Promise.all(outputs);
    const answers = results.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.lines.at(-1)!) as Result<Receipt>;
    });
    expect(answers[0]!.ok, JSON.stringify(answers[0])).toBe(true);
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(receiptsWith(operationId)).toBe(1);
    expect(rowsPerReceipt(operationId)).toEqual({ sales: 1, audit: 1, outbox: 1, lines: 2 });
  }, 30_000);

  it('refuses the same operation id with a different basket: OPERATION_CONFLICT, on both transports, and writes nothing', async () => {
    const operationId = uuidv7();
    const ok = await dispatcher.call('counter.checkout', checkoutInput(operationId), session);
    expect(ok.ok).toBe(true);
    const other = checkoutInput(operationId, [{ kind: 'postal_fee', tariffCode: 'FAX', quantity: 1 }], 12000);
    const receipts = count(mode.store.db, 'SELECT COUNT(*) AS n FROM receipts');

    const viaIpc = await dispatcher.call('counter.checkout', other, session);
    expect(viaIpc).toEqual({ ok: false, error: expect.objectContaining({ code: 'OPERATION_CONFLICT' }) });
    const viaHttp = await Promise.all(Array.from({ length: 5 }, () => httpCall(mode.http.url, token, 'counter.checkout', other, session)));
    for (const a of viaHttp) {
      expect(a.status).toBe(409);
      expect(a.body).toEqual({ ok: false, error: expect.objectContaining({ code: 'OPERATION_CONFLICT' }) });
    }
    // A different tender is a different request too, not a silent replay.
    const otherTender = { ...checkoutInput(operationId), tenders: [{ type: 'cash', amountPara: 40000 }] };
    expect((await dispatcher.call('counter.checkout', otherTender, session)).ok).toBe(false);

    expect(count(mode.store.db, 'SELECT COUNT(*) AS n FROM receipts')).toBe(receipts);
    // The first basket still replays to its receipt.
    expect(await dispatcher.call('counter.checkout', checkoutInput(operationId), session)).toEqual(ok);
  });
});
