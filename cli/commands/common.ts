/**
 * What every `postdesk` subcommand shares: argument parsing with --data,
 * --json and --help, the one error line (`postdesk: CODE: message`), exit
 * codes, the running mark, and the checks a copied database file must pass.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../../domain/errors.js';
import { currentVersion, dbFileIn, loadMigrations } from '../../db/open.js';
import { defaultDataDir } from '../../services/paths.js';

/** 0 ok; 1 a failure (a fault found, a refusal, an error); 2 the database is newer than this PostDesk; 64 bad arguments. */
export const EXIT = { ok: 0, failure: 1, dbNewer: 2, usage: 64 } as const;

/** An error of the command line itself; carries its exit code. */
export class CliError extends AppError {
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number = EXIT.failure) {
    super(code, message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function usageError(message: string, command?: string): CliError {
  return new CliError('USAGE', `${message} (see "postdesk ${command ? `${command} ` : ''}--help")`, EXIT.usage);
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdin: NodeJS.ReadStream;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  stdin: process.stdin,
};

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
  values: Values;
  dataDir: string;
  json: boolean;
  io: Io;
}

export interface Command {
  name: string;
  summary: string;
  /** The full --help text, without the common options (added below it). */
  help: string;
  options: OptionSpec;
  /** Prints JSON whether or not --json is given (errors too). */
  alwaysJson?: boolean;
  run(ctx: CommandContext): Promise<number> | number;
}

const COMMON_OPTIONS: OptionSpec = {
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function commonHelp(): string {
  return [
    '  --data DIR     the data folder (default: POSTDESK_DATA, else ' + defaultDataDir() + ')',
    '  --json         print the result as JSON',
    '  -h, --help     show this help',
  ].join('\n');
}

export function helpText(cmd: Command): string {
  return `${cmd.help.trimEnd()}\n\nCommon options:\n${commonHelp()}\n`;
}

/** Parses argv for one command; unknown options and stray words are usage errors. */
export function parseCommandArgs(cmd: Command, argv: string[]): { values: Values; help: boolean } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...cmd.options }, strict: true, allowPositionals: true }) as { values: Values; positionals: string[] };
  } catch (e) {
    throw usageError(e instanceof Error ? e.message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '') : String(e), cmd.name);
  }
  if (parsed.values.help === true) return { values: parsed.values, help: true };
  if (parsed.positionals.length > 0) throw usageError(`unexpected argument "${parsed.positionals[0]}"`, cmd.name);
  return { values: parsed.values, help: false };
}

export function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredOption(values: Values, name: string, command: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v === '') throw usageError(`--${name} is required`, command);
  return v;
}

/** A whole number written in plain digits (no sign, no exponent, no decimals). */
export function wholeNumberOption(values: Values, name: string, command: string, range: { min: number; max: number }): number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw usageError(`--${name} must be a whole number, not "${v}"`, command);
  const n = Number(v);
  if (n < range.min || n > range.max) throw usageError(`--${name} must be ${range.min}..${range.max}, not ${n}`, command);
  return n;
}

export function resolveDataDir(values: Values): string {
  return path.resolve(stringOption(values, 'data') ?? defaultDataDir());
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function latestSchemaVersion(): number {
  const m = loadMigrations();
  return m.length === 0 ? 0 : m[m.length - 1]!.version;
}

/** The database file of dataDir, which must exist: the commands other than init and seed never create one. */
export function requireDatabase(dataDir: string): string {
  const file = dbFileIn(dataDir);
  if (!fs.existsSync(file)) throw new CliError('NOT_SET_UP', `There is no PostDesk database in ${dataDir} (run "postdesk init --data ${dataDir}" first, or give the right --data)`);
  return file;
}

// The name db/open.ts gives the mark it writes while a store is open (it does not export it).
const RUNNING_MARK = 'postdesk.running';

export function runningMarkIn(dataDir: string): string {
  return path.join(dataDir, RUNNING_MARK);
}

/**
 * The pid of another live process that has this data folder's store open,
 * from the running mark; null when there is no mark or its process is gone
 * (an unclean exit, which the next normal open answers with integrity_check).
 */
export function runningPid(dataDir: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(runningMarkIn(dataDir), 'utf8').trim();
  } catch {
    return null;
  }
  if (!/^\d{1,10}$/.test(text)) return null;
  const pid = Number(text);
  if (pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

export function refuseWhileRunning(dataDir: string, what: string): void {
  const pid = runningPid(dataDir);
  if (pid !== null) {
    throw new CliError(
      'APP_RUNNING',
      `PostDesk (pid ${pid}) has this data folder open; close it before ${what}. If no PostDesk is running, the mark ${runningMarkIn(dataDir)} is stale: delete it.`,
    );
  }
}

/** 2025-01-31T10-20-30-123Z: an instant usable in a file name on every system. */
export function fileStamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

export function fsyncPath(p: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(p, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');
const POSTDESK_TABLES = ['meta', 'clerks', 'receipts', 'postings', 'ledger_transactions', 'audit_log', 'outbox'];

export interface CopyCheck {
  schemaVersion: number;
  bytes: number;
}

/**
 * Checks that a database file we are about to keep or restore is a whole
 * PostDesk database: the SQLite header, integrity_check, PostDesk's tables,
 * and a schema version this PostDesk knows. Leaves the file in rollback
 * journal mode, so it is one self-contained file.
 */
export function checkDatabaseCopy(file: string, what: string): CopyCheck {
  const head = Buffer.alloc(16);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (!head.equals(SQLITE_MAGIC)) throw new CliError('NOT_A_POSTDESK_DB', `${what} is not an SQLite database`);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    throw new CliError('NOT_A_POSTDESK_DB', `${what} cannot be opened as a database: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    let rows: { integrity_check: string }[];
    try {
      db.pragma('journal_mode = DELETE');
      rows = db.pragma('integrity_check') as { integrity_check: string }[];
    } catch (e) {
      throw new CliError('DB_CORRUPT', `${what} failed its integrity check: ${e instanceof Error ? e.message : String(e)}`);
    }
    const bad = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (bad.length > 0) throw new CliError('DB_CORRUPT', `${what} failed its integrity check: ${bad.slice(0, 3).join('; ')}`);
    const version = currentVersion(db);
    const latest = latestSchemaVersion();
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = POSTDESK_TABLES.filter((t) => !tables.has(t));
    if (version < 1 || missing.length > 0) {
      throw new CliError('NOT_A_POSTDESK_DB', `${what} is not a PostDesk database (schema version ${version}${missing.length > 0 ? `; no table ${missing.join(', ')}` : ''})`);
    }
    if (version > latest) {
      throw new CliError('DB_NEWER_THAN_APP', `${what} is at schema version ${version}, but this PostDesk knows only up to ${latest}. Use the newer PostDesk that wrote it.`, EXIT.dbNewer);
    }
    return { schemaVersion: version, bytes: fs.statSync(file).size };
  } finally {
    db.close();
  }
}

/** Reads one line from standard input (up to the first newline or the end). */
export function readLine(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      stdin.pause();
      resolve(buf.replace(/\r?\n[\s\S]*$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      if (buf.length > 4096) {
        buf = buf.slice(0, 4096);
        done();
      } else if (buf.includes('\n')) done();
    };
    const onEnd = () => done();
    const onError = (e: Error) => reject(e);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
}

/** Asks on the terminal without echoing what is typed (for a PIN). */
export function readSecret(io: Io, prompt: string): Promise<string> {
  const stdin = io.stdin;
  if (!stdin.isTTY) return readLine(stdin);
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const finish = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.off('data', onData);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003' || ch === '\u0004') return finish(new CliError('CANCELLED', 'Cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** A yes/no question on the terminal; anything but y/yes is no. */
export async function confirm(io: Io, question: string): Promise<boolean> {
  process.stderr.write(`${question} [y/N] `);
  const answer = await readLine(io.stdin);
  return /^\s*y(es)?\s*$/i.test(answer);
}
