/**
 * The `postdesk` command, run as the operator runs it (node bin/postdesk.js)
 * against real data folders: init, verify, backup, restore, seed, --help,
 * bad arguments, and tampering with the SQLite file by hand.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../domain/api.js';
import { uuidv7 } from '../../../domain/uuid7.js';
import { signIn } from '../../../services/auth.js';
import { checkout } from '../../../services/counter.js';
import { openCounterStore } from '../../../services/store.js';
import { closeTill, openTill } from '../../../services/till.js';
import { BASKET, BASKET_TOTAL, CLERK, FLOAT, REPO_ROOT, SUPERVISOR, count, openRaw, sessionOf, setUpCounter, removeTempDirs, tempDir } from '../../fixtures/counter.js';

const BIN = path.join(REPO_ROOT, 'bin', 'postdesk.js');
const COMMANDS = ['init', 'verify', 'backup', 'restore', 'seed'];
// A default data folder of the tests' own, so a command that forgot --data cannot touch a real one.
const DEFAULT_DATA = path.join(tempDir('cli-default'), 'data');

afterAll(() => removeTempDirs());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `postdesk ARGS` in a child process; stdin is a closed pipe (not a terminal) unless input is given. */
function postdesk(args: string[], opts: { input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, POSTDESK_DATA: DEFAULT_DATA },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs several at once, a few at a time (each child is a whole Node process). */
async function all<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

function json<T>(r: Run): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** The one error line every failure ends with, and no stack trace. */
function expectErrorLine(r: Run, code: string, message?: RegExp): void {
  expect(r.stderr, r.stderr).toMatch(new RegExp(`^postdesk: ${code}: .+`, 'm'));
  if (message) expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const initArgs = (dir: string, extra: string[] = []) => ['init', '--data', dir, '--branch', '11000', '--counter', '1', '--supervisor-no', SUPERVISOR.personalNo, '--supervisor-name', SUPERVISOR.name, ...extra];

/** A counter with some sales, made through the services, then closed cleanly. */
function counterWithSales(dir: string, opts: { closeShort?: boolean; sales?: number } = {}): void {
  const store = openCounterStore(dir);
  try {
    setUpCounter(store);
    const { session } = sessionOf(store, CLERK);
    openTill(store, session, FLOAT);
    for (let i = 0; i < (opts.sales ?? 3); i++) {
      checkout(store, session, { operationId: uuidv7(), items: BASKET, tenders: [{ type: 'cash', amountPara: 50000 }], expectedTotalPara: BASKET_TOTAL });
    }
    if (opts.closeShort) {
      // Float 6,000 RSD + sales; counted 10 RSD short.
      const expected = 600000 + (opts.sales ?? 3) * BASKET_TOTAL;
      const counted = expected - 1000;
      const count = [
        { valuePara: 100000, form: 'note' as const, quantity: Math.floor(counted / 100000) },
        { valuePara: 1000, form: 'coin' as const, quantity: (counted % 100000) / 1000 },
      ];
      closeTill(store, session, { count, reason: 'Wrong change given to a customer' });
    }
  } finally {
    store.close();
  }
}

describe('postdesk --help and bad arguments', () => {
  it('prints help for itself and for every command, exit 0', async () => {
    const runs = await all([() => postdesk(['--help']), () => postdesk(['help', 'verify']), () => postdesk(['restore', '-h', '--data', '/nonexistent']), ...COMMANDS.map((c) => () => postdesk([c, '--help']))]);
    const [top, helpVerify, short, ...perCommand] = runs;
    expect(top!.code).toBe(0);
    for (const c of COMMANDS) expect(top!.stdout).toContain(`  ${c} `);
    expect(helpVerify!.stdout).toMatch(/^Usage: postdesk verify/);
    expect(short!.code).toBe(0);
    expect(short!.stdout).toMatch(/^Usage: postdesk restore/);
    perCommand.forEach((r, i) => {
      const c = COMMANDS[i]!;
      expect(r.code, `${c}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: postdesk ${c}\\b`));
      expect(r.stdout).toContain('--data DIR');
      expect(r.stdout).toContain('--json');
      expect(r.stdout).toContain('--help');
    });
    expect(fs.existsSync('/nonexistent')).toBe(false);
  });

  it('refuses bad arguments with a non-zero exit and a clear message, before touching any folder', async () => {
    const dir = path.join(tempDir('cli-bad'), 'never-created');
    const cases: { args: string[]; input?: string; exit: number; code: string; message: RegExp }[] = [
      { args: ['frob'], exit: 64, code: 'USAGE', message: /there is no command "frob"/ },
      { args: ['verify', '--bogus', '--data', dir], exit: 64, code: 'USAGE', message: /Unknown option '--bogus'/ },
      { args: ['verify', 'now', '--data', dir], exit: 64, code: 'USAGE', message: /unexpected argument "now"/ },
      { args: ['init', '--data', dir], exit: 64, code: 'USAGE', message: /--branch is required/ },
      { args: initArgs(dir).filter((a) => a !== '--counter' && a !== '1'), exit: 64, code: 'USAGE', message: /--counter is required/ },
      { args: [...initArgs(dir, ['--pin-stdin']).map((a) => (a === '11000' ? '123' : a))], input: '4711\n', exit: 64, code: 'VALIDATION_FAILED', message: /--branch: branch code: 5 digits/ },
      { args: [...initArgs(dir, ['--pin-stdin']).map((a, i, xs) => (xs[i - 1] === '--counter' ? '1.5' : a))], input: '4711\n', exit: 64, code: 'VALIDATION_FAILED', message: /--counter:/ },
      { args: [...initArgs(dir, ['--pin-stdin']).map((a) => (a === SUPERVISOR.personalNo ? 'abc' : a))], input: '4711\n', exit: 64, code: 'VALIDATION_FAILED', message: /--supervisor-no: personal number/ },
      { args: initArgs(dir, ['--pin-stdin']), input: '12\n', exit: 64, code: 'VALIDATION_FAILED', message: /PIN: 4 to 8 digits/ },
      { args: initArgs(dir), exit: 64, code: 'USAGE', message: /--pin-stdin/ },
      { args: initArgs(dir, ['--pin-stdin', '--pin', '4711']), exit: 64, code: 'USAGE', message: /either --pin-stdin or --pin/ },
      { args: ['seed', '--data', dir], exit: 64, code: 'USAGE', message: /--receipts is required/ },
      { args: ['seed', '--data', dir, '--receipts=-5'], exit: 64, code: 'USAGE', message: /--receipts must be a whole number/ },
      { args: ['seed', '--data', dir, '--receipts', '2000000'], exit: 64, code: 'USAGE', message: /--receipts must be 0\.\.1000000/ },
      { args: ['restore', '--data', dir], exit: 64, code: 'USAGE', message: /--from is required/ },
      { args: ['verify', '--data', dir], exit: 1, code: 'NOT_SET_UP', message: /no PostDesk database/ },
      { args: ['backup', '--data', dir], exit: 1, code: 'NOT_SET_UP', message: /no PostDesk database/ },
      { args: ['restore', '--data', dir, '--from', path.join(dir, 'missing.sqlite'), '--yes'], exit: 1, code: 'NOT_FOUND', message: /There is no file/ },
    ];
    const runs = await all(cases.map((c) => () => postdesk(c.args, c.input === undefined ? {} : { input: c.input })));
    runs.forEach((r, i) => {
      const c = cases[i]!;
      expect(r.code, `${c.args.join(' ')}: ${r.stderr}`).toBe(c.exit);
      expectErrorLine(r, c.code, c.message);
    });
    const bare = await postdesk([]);
    expect(bare.code).toBe(64);
    expect(bare.stderr).toMatch(/^Usage: postdesk <command>/);
    // verify always answers in JSON, errors included.
    expect(json<{ ok: boolean; error: { code: string } }>(runs[cases.findIndex((c) => c.args[0] === 'verify' && c.code === 'NOT_SET_UP')]!)).toEqual({ ok: false, error: { code: 'NOT_SET_UP', message: expect.any(String) } });
    expect(fs.existsSync(dir), 'a failed command created the data folder').toBe(false);
  });
});

describe('postdesk init, verify, backup, restore, seed', () => {
  it('sets up a counter with init (PIN from stdin), and refuses to set it up twice', async () => {
    const dir = tempDir('cli-init');
    const first = await postdesk(initArgs(dir, ['--pin-stdin', '--json']), { input: `${SUPERVISOR.pin}\n` });
    expect(first.code, first.stderr).toBe(0);
    expect(json(first)).toMatchObject({ ok: true, setUp: true, branchCode: '11000', counterNo: 1, dataDir: dir });
    const store = openCounterStore(dir);
    try {
      expect(signIn(store, SUPERVISOR.personalNo, SUPERVISOR.pin).clerk).toMatchObject({ role: 'supervisor', name: SUPERVISOR.name });
    } finally {
      store.close();
    }
    const again = await postdesk(initArgs(dir, ['--pin', '9999']));
    expect(again.code).toBe(1);
    expectErrorLine(again, 'ALREADY_SET_UP');

    const other = tempDir('cli-init2');
    const plain = await postdesk(initArgs(other, ['--pin', '4711']));
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/Set up branch 11000, counter 1/);
  });

  it('verify exits 0 on sound books and lists a till discrepancy with its reason', async () => {
    const dir = tempDir('cli-verify');
    counterWithSales(dir, { closeShort: true, sales: 2 });
    const [plain, withJson] = await all([() => postdesk(['verify', '--data', dir]), () => postdesk(['verify', '--data', dir, '--json'])]);
    expect(plain!.code, plain!.stderr).toBe(0);
    expect(withJson!.code).toBe(0);
    const report = json<VerifyReport>(plain!);
    expect(report).toMatchObject({ ok: true, faults: [], firstFault: null, counts: { receipts: 2, tills: 1 } });
    expect(report.discrepancies).toEqual([
      { tillSessionId: 1, clerkName: CLERK.name, businessDay: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), expectedPara: 600000 + 2 * BASKET_TOTAL, countedPara: 600000 + 2 * BASKET_TOTAL - 1000, differencePara: -1000, reason: 'Wrong change given to a customer' },
    ]);
    expect(json<VerifyReport>(withJson!).discrepancies).toEqual(report.discrepancies);
  });

  it('backs up online and restores the backup, keeping the replaced database aside', async () => {
    const dir = tempDir('cli-backup');
    counterWithSales(dir, { sales: 3 });
    const backup = await postdesk(['backup', '--data', dir, '--json']);
    expect(backup.code, backup.stderr).toBe(0);
    const b = json<{ ok: boolean; file: string; integrity: string; schemaVersion: number }>(backup);
    expect(b).toMatchObject({ ok: true, integrity: 'ok' });
    expect(path.dirname(b.file)).toBe(path.join(dir, 'backups'));
    expect(path.basename(b.file)).toMatch(/^postdesk-\d{4}-\d{2}-\d{2}T[\d-]+Z\.sqlite$/);
    const copy = new Database(b.file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(count(copy, 'SELECT COUNT(*) AS n FROM receipts')).toBe(3);
    copy.close();
    expect(fs.existsSync(`${b.file}-wal`)).toBe(false);

    // The plain form prints just the path; --out never overwrites.
    const out = path.join(tempDir('cli-out'), 'copy.sqlite');
    const plain = await postdesk(['backup', '--data', dir, '--out', out]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.trim()).toBe(out);
    const twice = await postdesk(['backup', '--data', dir, '--out', out]);
    expect(twice.code).toBe(1);
    expectErrorLine(twice, 'FILE_EXISTS');

    // A fourth sale after the backup …
    const store = openCounterStore(dir);
    const { session } = sessionOf(store, CLERK);
    checkout(store, session, { operationId: uuidv7(), items: BASKET, tenders: [{ type: 'card', amountPara: BASKET_TOTAL }], expectedTotalPara: BASKET_TOTAL });
    store.close();

    // … is gone after the restore, and kept in the set-aside copy.
    const restore = await postdesk(['restore', '--data', dir, '--from', b.file, '--yes', '--json']);
    expect(restore.code, restore.stderr).toBe(0);
    const r = json<{ ok: boolean; previousKeptAt: string; database: string }>(restore);
    expect(r).toMatchObject({ ok: true, database: path.join(dir, 'postdesk.sqlite') });
    const now = openRaw(r.database);
    expect(count(now, 'SELECT COUNT(*) AS n FROM receipts')).toBe(3);
    now.close();
    const aside = openRaw(r.previousKeptAt);
    expect(count(aside, 'SELECT COUNT(*) AS n FROM receipts')).toBe(4);
    aside.close();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.restore-'))).toEqual([]);

    const verify = await postdesk(['verify', '--data', dir]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(json<VerifyReport>(verify).counts.receipts).toBe(3);
    // The restored counter keeps working.
    const after = openCounterStore(dir);
    const again = sessionOf(after, CLERK);
    expect(checkout(after, again.session, { operationId: uuidv7(), items: BASKET, tenders: [{ type: 'cash', amountPara: BASKET_TOTAL }], expectedTotalPara: BASKET_TOTAL }).seq).toBe(4);
    after.close();
  });

  it('restore refuses while the app runs, refuses files that are not PostDesk databases, and asks for --yes', async () => {
    const dir = tempDir('cli-restore');
    counterWithSales(dir, { sales: 1 });
    const backup = json<{ file: string }>(await postdesk(['backup', '--data', dir, '--json']));
    const junkDir = tempDir('cli-junk');
    const junk = path.join(junkDir, 'junk.sqlite');
    fs.writeFileSync(junk, Buffer.alloc(4096, 7));
    const otherDb = path.join(junkDir, 'other.sqlite');
    const o = new Database(otherDb);
    o.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    o.pragma('user_version = 1');
    o.close();
    const newer = path.join(junkDir, 'newer.sqlite');
    fs.copyFileSync(backup.file, newer);
    const n = new Database(newer);
    n.pragma('user_version = 999');
    n.close();
    const torn = path.join(junkDir, 'torn.sqlite');
    fs.writeFileSync(torn, fs.readFileSync(backup.file).subarray(0, 8192));

    const mark = path.join(dir, 'postdesk.running');
    fs.writeFileSync(mark, String(process.pid)); // a live process: "the app" has the folder open
    const before = fs.readFileSync(path.join(dir, 'postdesk.sqlite'));
    const [running, junkRun, otherRun, newerRun, tornRun, noYes] = await all([
      () => postdesk(['restore', '--data', dir, '--from', backup.file, '--yes']),
      () => postdesk(['restore', '--data', dir, '--from', junk, '--yes', '--force']),
      () => postdesk(['restore', '--data', dir, '--from', otherDb, '--yes', '--force']),
      () => postdesk(['restore', '--data', dir, '--from', newer, '--yes', '--force']),
      () => postdesk(['restore', '--data', dir, '--from', torn, '--yes', '--force']),
      () => postdesk(['restore', '--data', dir, '--from', backup.file, '--force']),
    ]);
    expect(running!.code).toBe(1);
    expectErrorLine(running!, 'APP_RUNNING', new RegExp(`pid ${process.pid}`));
    expect(junkRun!.code).toBe(1);
    expectErrorLine(junkRun!, 'NOT_A_POSTDESK_DB', /not an SQLite database/);
    expect(otherRun!.code).toBe(1);
    expectErrorLine(otherRun!, 'NOT_A_POSTDESK_DB', /not a PostDesk database/);
    expect(newerRun!.code).toBe(2);
    expectErrorLine(newerRun!, 'DB_NEWER_THAN_APP');
    expect(tornRun!.code).not.toBe(0);
    expect(tornRun!.stderr).toMatch(/^postdesk: (DB_CORRUPT|NOT_A_POSTDESK_DB): /m);
    expect(noYes!.code).toBe(64);
    expectErrorLine(noYes!, 'USAGE', /add --yes/);
    expect(fs.readFileSync(path.join(dir, 'postdesk.sqlite')).equals(before), 'a refused restore changed the database').toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.restore-'))).toEqual([]);

    // --force is the operator's word that the mark is stale.
    const forced = await postdesk(['restore', '--data', dir, '--from', backup.file, '--yes', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    fs.rmSync(mark);
  });

  it('verify reads beside a running app without touching its running mark', async () => {
    const dir = tempDir('cli-beside');
    counterWithSales(dir, { sales: 2 });
    const app = openCounterStore(dir); // the app: holds the store, wrote the mark
    try {
      const mark = path.join(dir, 'postdesk.running');
      const pidBefore = fs.readFileSync(mark, 'utf8');
      // The mark names this (live) test process, not the verify child.
      expect(pidBefore).toBe(String(process.pid));
      const [verify, backup] = await all([() => postdesk(['verify', '--data', dir]), () => postdesk(['backup', '--data', dir, '--json'])]);
      expect(verify!.code, verify!.stderr).toBe(0);
      expect(json<VerifyReport>(verify!).counts.receipts).toBe(2);
      expect(backup!.code, backup!.stderr).toBe(0);
      expect(fs.readFileSync(mark, 'utf8')).toBe(pidBefore);
      const seeded = await postdesk(['seed', '--data', dir, '--receipts', '1']);
      expect(seeded.code).toBe(1);
      expectErrorLine(seeded, 'APP_RUNNING');
    } finally {
      app.close();
    }
  });

  it('verify refuses a database newer than the app with exit 2', async () => {
    const dir = tempDir('cli-newer');
    counterWithSales(dir, { sales: 1 });
    const db = openRaw(path.join(dir, 'postdesk.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    const r = await postdesk(['verify', '--data', dir]);
    expect(r.code).toBe(2);
    expectErrorLine(r, 'DB_NEWER_THAN_APP', /schema version 999/);
    expect(json(r)).toEqual({ ok: false, error: { code: 'DB_NEWER_THAN_APP', message: expect.stringContaining('999') } });
  });

  it('seed makes a sample counter with N receipts that verify, and refuses a counter set up by init', async () => {
    const dir = tempDir('cli-seed');
    const seeded = await postdesk(['seed', '--data', dir, '--receipts', '25', '--json']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(json(seeded)).toMatchObject({ ok: true, receipts: 25, first: expect.stringMatching(/-0001$/), last: expect.stringMatching(/-0025$/) });
    const more = await postdesk(['seed', '--data', dir, '--receipts', '5']);
    expect(more.code, more.stderr).toBe(0);
    const verify = await postdesk(['verify', '--data', dir]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(json<VerifyReport>(verify).counts.receipts).toBe(30);

    const real = tempDir('cli-seed-real');
    expect((await postdesk(initArgs(real, ['--pin', '4711']))).code).toBe(0);
    const refused = await postdesk(['seed', '--data', real, '--receipts', '1']);
    expect(refused.code).toBe(1);
    expectErrorLine(refused, 'NOT_A_SAMPLE_COUNTER');
  });
});

describe('tampering: postdesk verify names the row an attacker changed', () => {
  let base: string;

  beforeAll(() => {
    base = tempDir('cli-tamper-base');
    counterWithSales(base, { sales: 3 });
  });

  /** A copy of the sound counter, edited with plain SQLite as an attacker with the file would. */
  function tampered(edit: (db: Database.Database) => void): string {
    const dir = tempDir('cli-tamper');
    fs.cpSync(base, dir, { recursive: true });
    const db = openRaw(path.join(dir, 'postdesk.sqlite'));
    try {
      edit(db);
    } finally {
      db.close();
    }
    return dir;
  }

  const TRIGGER = {
    postings: "CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END",
    audit: "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
  };

  function secondReceipt(db: Database.Database) {
    return db.prepare('SELECT id, number, transaction_id FROM receipts ORDER BY id LIMIT 1 OFFSET 1').get() as { id: number; number: string; transaction_id: number };
  }

  it('the untouched copy verifies (the control case)', async () => {
    const dir = tampered(() => {});
    const r = await postdesk(['verify', '--data', dir]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('the append-only triggers refuse the edit while they are in place', () => {
    expect(() =>
      tampered((db) => {
        db.prepare('UPDATE postings SET amount_para = amount_para + 100 WHERE id = 1').run();
      }),
    ).toThrow(/append-only/);
  });

  it('names the ledger transaction and the receipt when one posting amount is changed', async () => {
    let receipt!: ReturnType<typeof secondReceipt>;
    let postingId = 0;
    const dirs = [false, true].map((putBack) =>
      tampered((db) => {
        receipt = secondReceipt(db);
        postingId = (db.prepare("SELECT id FROM postings WHERE transaction_id = ? AND account LIKE 'till:%'").get(receipt.transaction_id) as { id: number }).id;
        db.exec('DROP TRIGGER postings_no_update');
        db.prepare('UPDATE postings SET amount_para = amount_para - 1000 WHERE id = ?').run(postingId);
        if (putBack) db.exec(TRIGGER.postings); // covering the tracks does not help
      }),
    );
    const [dropped, restored] = await all(dirs.map((d) => () => postdesk(['verify', '--data', d])));
    for (const [r, putBack] of [[dropped!, false], [restored!, true]] as const) {
      expect(r.code, `trigger put back: ${putBack}`).toBe(1);
      const report = json<VerifyReport>(r);
      expect(report.ok).toBe(false);
      expect(report.firstFault).toMatchObject({ check: 'postings_sum_to_zero', table: 'ledger_transactions', rowId: receipt.transaction_id });
      expect(report.faults).toContainEqual(expect.objectContaining({ check: 'receipt_unchanged', table: 'receipts', rowId: receipt.id, problem: expect.stringContaining(receipt.number) }));
      expect(report.faults.some((f) => f.check === 'append_only_guards')).toBe(!putBack);
      expect(r.stderr).toMatch(new RegExp(`^postdesk: VERIFY_FAILED: .*first bad row: ledger_transactions ${receipt.transaction_id} `, 'm'));
    }
  });

  it('names the receipt when one line amount is changed', async () => {
    let receipt!: ReturnType<typeof secondReceipt>;
    const dir = tampered((db) => {
      receipt = secondReceipt(db);
      db.exec('DROP TRIGGER receipt_items_no_update');
      db.prepare('UPDATE receipt_items SET amount_para = amount_para - 1000 WHERE receipt_id = ? AND line_no = 1').run(receipt.id);
    });
    const r = await postdesk(['verify', '--data', dir]);
    expect(r.code).toBe(1);
    const report = json<VerifyReport>(r);
    expect(report.firstFault).toMatchObject({ check: 'receipt_lines', table: 'receipts', rowId: receipt.id, problem: expect.stringContaining(receipt.number) });
    expect(report.faults).toContainEqual(expect.objectContaining({ check: 'receipt_unchanged', table: 'receipts', rowId: receipt.id }));
    expect(report.faults).toContainEqual(expect.objectContaining({ check: 'append_only_guards' }));
    expect(r.stderr).toMatch(new RegExp(`first bad row: receipts ${receipt.id} \\(receipt_lines\\)`));
  });

  it('names the audit row whose payload was edited', async () => {
    let auditId = 0;
    const dirs = [false, true].map((putBack) =>
      tampered((db) => {
        const row = db.prepare("SELECT id, payload FROM audit_log WHERE action = 'till.opened'").get() as { id: number; payload: string };
        auditId = row.id;
        const payload = JSON.parse(row.payload) as { floatPara: number };
        payload.floatPara -= 1000;
        db.exec('DROP TRIGGER audit_log_no_update');
        db.prepare('UPDATE audit_log SET payload = ? WHERE id = ?').run(JSON.stringify(payload), row.id);
        if (putBack) db.exec(TRIGGER.audit);
      }),
    );
    const [dropped, restored] = await all(dirs.map((d) => () => postdesk(['verify', '--data', d])));
    for (const r of [dropped!, restored!]) {
      expect(r.code).toBe(1);
      expect(json<VerifyReport>(r).faults).toContainEqual(expect.objectContaining({ check: 'audit_chain', table: 'audit_log', rowId: auditId, problem: expect.stringContaining(`audit row ${auditId}`) }));
    }
    expect(json<VerifyReport>(restored!).firstFault).toMatchObject({ check: 'audit_chain', table: 'audit_log', rowId: auditId });
    expect(restored!.stderr).toMatch(new RegExp(`first bad row: audit_log ${auditId} `));
  });

  it('names a receipt deleted with its rows, by the gap in the numbers and the orphaned audit digest', async () => {
    const dir = tampered((db) => {
      const r = db.prepare('SELECT id, transaction_id FROM receipts ORDER BY id LIMIT 1 OFFSET 1').get() as { id: number; transaction_id: number };
      for (const t of ['receipts', 'receipt_items', 'tenders', 'postings', 'ledger_transactions']) db.exec(`DROP TRIGGER ${t}_no_delete`);
      db.prepare('DELETE FROM receipt_items WHERE receipt_id = ?').run(r.id);
      db.prepare('DELETE FROM tenders WHERE receipt_id = ?').run(r.id);
      db.prepare('DELETE FROM receipts WHERE id = ?').run(r.id);
      db.prepare('DELETE FROM postings WHERE transaction_id = ?').run(r.transaction_id);
      db.prepare('DELETE FROM ledger_transactions WHERE id = ?').run(r.transaction_id);
    });
    const r = await postdesk(['verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(json<VerifyReport>(r).faults).toContainEqual(expect.objectContaining({ check: 'receipt_numbers_gap_free', table: 'receipts' }));
  });
});
