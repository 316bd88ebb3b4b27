/**
 * Sync throughput, each figure beside its baseline from the same run:
 *  - sync.push_per_s: N outbox events (default 100,000, ~600 bytes each)
 *    pushed by the counter's client to the central server (SQLite) running as
 *    its own process on 127.0.0.1, with the default batch settings;
 *  - sync.pg_push_per_s: the same against the PostgreSQL backend, when
 *    POSTDESK_PG_URL is set;
 *  - sync.pouchdb_per_s: the baseline — PouchDB replication of N documents of
 *    the same content, pouchdb-node (LevelDB) to express-pouchdb on 127.0.0.1
 *    in its own process, batch size equal to ours;
 *  - sync.ratio_vs_pouchdb = push_per_s / pouchdb_per_s (the issue aims for ≥ 5).
 * Seeding is not timed; each timed run starts from a fresh backlog.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { appendOutbox } from '../db/outbox.js';
import { DEFAULT_BATCH_MAX_EVENTS } from '../domain/sync.js';
import { createEnrollmentCode } from '../server/admin.js';
import { openCentralStorage } from '../server/open.js';
import { openCounterStore, setMeta } from '../services/store.js';
import { enrollDevice, pendingEvents, runSyncCycle } from '../services/sync/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_BIN = path.join(ROOT, 'bin', 'postdesk-server.js');

function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `postdesk-bench-${tag}-`));
}

/** The same receipt-shaped content for both sides (about 600 bytes as JSON). */
function receipt(i: number): Record<string, unknown> {
  return {
    receipt: `24000-1-${String(i).padStart(8, '0')}`,
    items: [
      { kind: 'bill_payment', account: '160-0000000012345-67', reference: `97 ${1000 + (i % 9000)}`, amountPara: 123456 + i, feePara: 2500, biller: 'ЈКП Инфостан Технологије' },
      { kind: 'telegram', words: 12 + (i % 7), class: i % 2 ? 'urgent' : 'ordinary', pricePara: 42000, to: 'Нови Сад' },
    ],
    tenders: [{ type: 'cash', amountPara: 200000 }],
    totalPara: 167956 + i,
    clerk: 2002,
    till: 7,
    businessDay: '2026-11-21',
  };
}

interface Child {
  proc: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** Starts a child process that prints one JSON line with its port. */
async function startChild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    proc.once('exit', (c) => reject(new Error(`child exited (${c}) before starting: ${err}`)));
  });
  const parsed = JSON.parse(line) as { port?: number; value?: { port: number } };
  const port = parsed.port ?? parsed.value!.port;
  return {
    proc,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Pushes `events` outbox events from a fresh counter to a fresh central server; returns events per second. */
async function pushRate(events: number, backend: { pgUrl?: string }): Promise<number> {
  const centralDir = tmpDir('central');
  const counterDir = tmpDir('counter');
  const schema = `pdbench_${process.pid}_${Date.now().toString(36)}`;
  const place = backend.pgUrl ? ['--pg', backend.pgUrl, '--pg-schema', schema] : [];
  const storage = await openCentralStorage({ dataDir: centralDir, ...(backend.pgUrl ? { pgUrl: backend.pgUrl, pgSchema: schema } : {}) });
  const server = await startChild([SERVER_BIN, 'serve', '--port', '0', '--json', '--data', centralDir, ...place]);
  const store = openCounterStore(counterDir);
  try {
    setMeta(store, 'branch_code', '24000');
    setMeta(store, 'counter_no', '1');
    const issued = await createEnrollmentCode(storage, { branch: '24000', counter: '1' });
    await enrollDevice(store, `http://127.0.0.1:${server.port}`, issued.code);
    const at = new Date().toISOString();
    for (let i = 0; i < events; ) {
      store.db.transaction(() => {
        for (let k = 0; k < 5000 && i < events; k++, i++) appendOutbox(store.db, 'receipt.committed', receipt(i), at);
      })();
    }
    const t0 = performance.now();
    await runSyncCycle(store);
    const s = (performance.now() - t0) / 1000;
    if (pendingEvents(store) !== 0) throw new Error('the push did not finish');
    const held = (await storage.stats()).events;
    if (held !== events) throw new Error(`the server holds ${held} events, expected ${events}`);
    return events / s;
  } finally {
    store.close();
    await server.stop();
    if (backend.pgUrl) {
      const c = new pg.Client({ connectionString: backend.pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
    await storage.close();
    fs.rmSync(centralDir, { recursive: true, force: true });
    fs.rmSync(counterDir, { recursive: true, force: true });
  }
}

/** express-pouchdb on 127.0.0.1 in its own process, data under dir. */
const POUCH_SERVER = `
const express = require('express');
const PouchDB = require('pouchdb-node').defaults({ prefix: process.argv[1] + '/' });
const app = express();
app.use('/', require('express-pouchdb')(PouchDB, { mode: 'minimumForPouchDB', logPath: process.argv[1] + '/log.txt', inMemoryConfig: true }));
const s = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port })));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * The baseline: PouchDB replication of the same number of documents with the
 * same content, local LevelDB to express-pouchdb on 127.0.0.1.
 */
export async function runPouchDbBench(events: number): Promise<number> {
  const require = createRequire(import.meta.url);
  let PouchDB: new (name: string) => PouchLike;
  try {
    PouchDB = require('pouchdb-node') as new (name: string) => PouchLike;
    require.resolve('express-pouchdb');
  } catch {
    throw new Error('not yet installed: pouchdb-node and express-pouchdb are needed for sync.pouchdb_per_s');
  }
  const serverDir = tmpDir('pouch-server');
  const localDir = tmpDir('pouch-local');
  const server = await startChild(['-e', POUCH_SERVER, serverDir]);
  const local = new PouchDB(path.join(localDir, 'outbox'));
  try {
    const at = new Date().toISOString();
    for (let i = 0; i < events; ) {
      const docs: Record<string, unknown>[] = [];
      for (let k = 0; k < 5000 && i < events; k++, i++) docs.push({ _id: `e${String(i).padStart(9, '0')}`, seq: i + 1, type: 'receipt.committed', at, payload: receipt(i) });
      await local.bulkDocs(docs);
    }
    const t0 = performance.now();
    const r = await local.replicate.to(`http://127.0.0.1:${server.port}/central`, { batch_size: DEFAULT_BATCH_MAX_EVENTS });
    const s = (performance.now() - t0) / 1000;
    if (!r.ok || r.docs_written !== events) throw new Error(`PouchDB replication wrote ${r.docs_written} of ${events}`);
    return events / s;
  } finally {
    await local.close();
    await server.stop();
    fs.rmSync(serverDir, { recursive: true, force: true });
    fs.rmSync(localDir, { recursive: true, force: true });
  }
}

interface PouchLike {
  bulkDocs(docs: object[]): Promise<unknown>;
  close(): Promise<void>;
  replicate: { to(url: string, opts: object): Promise<{ ok: boolean; docs_written: number }> };
}

export async function runSyncBench(opts: { events?: number } = {}): Promise<Record<string, number>> {
  const events = opts.events ?? 100_000;
  const out: Record<string, number> = {};
  out['sync.push_per_s'] = await pushRate(events, {});
  const pgUrl = process.env.POSTDESK_PG_URL;
  if (pgUrl) out['sync.pg_push_per_s'] = await pushRate(events, { pgUrl });
  else console.log('sync.pg_push_per_s skipped: POSTDESK_PG_URL is not set');
  try {
    out['sync.pouchdb_per_s'] = await runPouchDbBench(events);
    out['sync.ratio_vs_pouchdb'] = out['sync.push_per_s'] / out['sync.pouchdb_per_s'];
  } catch (e) {
    console.log(`sync.pouchdb_per_s skipped: ${(e as Error).message}`);
  }
  return out;
}

// `node --import tsx bench/sync.bench.ts [events]` runs this file alone.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 100_000);
  runSyncBench({ events: n }).then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
