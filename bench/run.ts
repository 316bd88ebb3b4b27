/**
 * `npm run bench [-- --json FILE] [-- --only NAME,...]`: measures, in one run
 * on one disk, each figure beside the baseline it is judged against, prints
 * them as a table and writes a flat JSON object. Benchmarks are not tests:
 * nothing here passes or fails, it reports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { applyPragmas } from '../db/open.js';
import { openCounterStore } from '../services/store.js';
import { initialSetup } from '../services/setup.js';
import { signIn, resolveSession } from '../services/auth.js';
import { openTill } from '../services/till.js';
import { checkout, quote } from '../services/counter.js';
import { uuidv7 } from '../domain/uuid7.js';

type Figures = Record<string, number>;
interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
}

const rows: Row[] = [];
const figures: Figures = {};

function record(name: string, value: number, unit: string, baseline?: string): void {
  figures[name] = Number(value.toFixed(4));
  rows.push({ name, value, unit, ...(baseline ? { baseline } : {}) });
}

function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `postdesk-bench-${tag}-`));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The floor any durable commit pays: one single-row INSERT per transaction, WAL + synchronous=FULL. */
function rawCommitRate(n: number): number {
  const dir = tmpDir('raw');
  const db = new Database(path.join(dir, 'raw.sqlite'));
  applyPragmas(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
  const one = db.transaction((v: string) => ins.run(v));
  for (let i = 0; i < 50; i++) one('warm');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) one(`row ${i}`);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return n / s;
}

function checkoutRun(n: number): { perS: number; p50: number; p99: number } {
  const dir = tmpDir('checkout');
  const store = openCounterStore(dir);
  initialSetup(store, { branchCode: '11000', counterNo: 1, supervisor: { personalNo: '1001', name: 'Bench', pin: '1234' } });
  const { sessionToken } = signIn(store, '1001', '1234');
  const session = resolveSession(store, sessionToken);
  openTill(store, session, [{ valuePara: 100000, form: 'note', quantity: 10 }]);
  const items = [
    { kind: 'postal_fee' as const, tariffCode: 'CERT_COPY', quantity: 1 },
    { kind: 'postal_fee' as const, tariffCode: 'FORM', quantity: 2 },
  ];
  const total = quote(store, session, items).totalPara;
  const tenders = [{ type: 'cash' as const, amountPara: total + 1000 }];
  for (let i = 0; i < 50; i++) checkout(store, session, { operationId: uuidv7(), items, tenders, expectedTotalPara: total });
  const lat: number[] = new Array(n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    checkout(store, session, { operationId: uuidv7(), items, tenders, expectedTotalPara: total });
    lat[i] = Number(process.hrtime.bigint() - a) / 1e6;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  lat.sort((x, y) => x - y);
  return { perS: n / s, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

/** Optional benches from other modules: loaded only when present, so one missing piece does not stop the rest. */
async function optional(name: string, file: string, fn: (mod: Record<string, unknown>) => Promise<void>): Promise<void> {
  const full = path.join(path.dirname(new URL(import.meta.url).pathname), file);
  if (!fs.existsSync(full)) return;
  try {
    await fn((await import(full)) as Record<string, unknown>);
  } catch (e) {
    console.error(`bench ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' }, only: { type: 'string' }, checkouts: { type: 'string' } }, strict: true });
  const only = values.only ? new Set(values.only.split(',')) : null;
  const want = (k: string) => !only || only.has(k);

  if (want('checkout')) {
    const n = Number(values.checkouts ?? 5000);
    const raw = rawCommitRate(Math.max(2000, n));
    const c = checkoutRun(n);
    record('commit.raw_per_s', raw, '/s', 'durable single-row commit, same disk');
    record('checkout.per_s', c.perS, '/s', `${n} checkouts through services/`);
    record('checkout.ratio', c.perS / raw, 'x', 'checkout.per_s / commit.raw_per_s (aim ≥ 0.5)');
    record('checkout.p50_ms', c.p50, 'ms');
    record('checkout.p99_ms', c.p99, 'ms', 'aim < 5 ms');
  }
  if (want('ipsqr')) {
    await optional('ipsqr', 'ipsqr.bench.ts', async (m) => {
      const f = (await (m.runIpsQrBench as () => Promise<Figures>)()) as Figures;
      for (const [k, v] of Object.entries(f)) record(k, v, k.includes('ratio') ? 'x' : '/s');
    });
  }
  if (want('sync')) {
    await optional('sync', 'sync.bench.ts', async (m) => {
      const f = (await (m.runSyncBench as (o: object) => Promise<Figures>)({})) as Figures;
      for (const [k, v] of Object.entries(f)) record(k, v, k.includes('ratio') ? 'x' : k.endsWith('_ms') ? 'ms' : k.endsWith('_mb') ? 'MB' : '/s');
    });
  }

  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'figure'.padEnd(w)}  ${'value'.padStart(14)}  unit  baseline / note`);
  for (const r of rows) {
    const v = Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toFixed(3);
    console.log(`${r.name.padEnd(w)}  ${v.padStart(14)}  ${r.unit.padEnd(4)}  ${r.baseline ?? ''}`);
  }
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, tmp ${os.tmpdir()}`);
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify(figures, null, 2) + '\n');
    console.log(`wrote ${values.json}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
