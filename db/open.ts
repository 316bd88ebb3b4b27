/**
 * Opening the counter's SQLite store: pragmas, an integrity check after an
 * unclean exit, an online backup before migrating, numbered migrations in one
 * transaction recorded in user_version, and refusal of a database newer than
 * the app.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../domain/errors.js';

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

let cachedMigrations: Migration[] | null = null;

/** Reads db/migrations/NNN_name.sql, ordered, and checks the numbers run 1..n with no gap. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (dir === MIGRATIONS_DIR && cachedMigrations) return cachedMigrations;
  const files = fs.readdirSync(dir).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const list = files.map((f, i) => {
    const version = Number(f.slice(0, 3));
    if (version !== i + 1) throw new Error(`migration numbering has a gap or duplicate at ${f}`);
    return { version, name: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, f), 'utf8') };
  });
  if (dir === MIGRATIONS_DIR) cachedMigrations = list;
  return list;
}

export const DB_FILE = 'postdesk.sqlite';
const RUNNING_MARK = 'postdesk.running';

export interface OpenResult {
  db: Db;
  file: string;
  /** The previous run did not close cleanly; integrity_check ran and passed. */
  recoveredFromUncleanExit: boolean;
  migratedFrom: number;
  migratedTo: number;
  backupBeforeMigration: string | null;
}

export interface OpenOptions {
  /** Tests pass their own list to exercise one migration at a time. */
  migrations?: Migration[];
  readonly?: boolean;
}

/** Applies the pragmas every connection needs. */
export function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('trusted_schema = OFF');
}

export function dbFileIn(dataDir: string): string {
  return path.join(dataDir, DB_FILE);
}

/**
 * Opens (creating if needed) the store in dataDir. Throws AppError
 * DB_NEWER_THAN_APP when user_version is beyond the last migration and
 * DB_CORRUPT when integrity_check fails after an unclean exit.
 */
export function openStore(dataDir: string, opts: OpenOptions = {}): OpenResult {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = dbFileIn(dataDir);
  const mark = path.join(dataDir, RUNNING_MARK);
  const unclean = fs.existsSync(mark) && fs.existsSync(file);
  const db = new Database(file, { readonly: opts.readonly ?? false });
  try {
    if (opts.readonly) {
      db.pragma('busy_timeout = 5000');
      return { db, file, recoveredFromUncleanExit: false, migratedFrom: currentVersion(db), migratedTo: currentVersion(db), backupBeforeMigration: null };
    }
    applyPragmas(db);
    if (unclean) {
      const rows = db.pragma('integrity_check') as { integrity_check: string }[];
      const bad = rows.filter((r) => r.integrity_check !== 'ok');
      if (bad.length > 0) {
        throw new AppError('DB_CORRUPT', `The database failed its integrity check after an unclean exit: ${bad.map((r) => r.integrity_check).slice(0, 3).join('; ')}. Restore the latest backup with "postdesk restore".`);
      }
    }
    const migrations = opts.migrations ?? loadMigrations();
    const from = currentVersion(db);
    const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
    if (from > latest) {
      throw new AppError('DB_NEWER_THAN_APP', `The database is at schema version ${from}, but this PostDesk knows only up to ${latest}. Install the newer PostDesk that wrote it; the database was not changed.`, { details: { dbVersion: from, appVersion: latest } });
    }
    let backup: string | null = null;
    if (from > 0 && from < latest) {
      backup = path.join(dataDir, 'backups', `before-migration-v${from}-to-v${latest}-${stamp()}.sqlite`);
      fs.mkdirSync(path.dirname(backup), { recursive: true, mode: 0o700 });
      // VACUUM INTO gives a consistent, compact copy synchronously.
      db.prepare('VACUUM INTO ?').run(backup);
    }
    if (from < latest) migrate(db, migrations, from);
    fs.writeFileSync(mark, String(process.pid));
    return { db, file, recoveredFromUncleanExit: unclean, migratedFrom: from, migratedTo: latest, backupBeforeMigration: backup };
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Closes the store and removes the running mark, so the next start knows the exit was clean. */
export function closeStore(db: Db, dataDir: string): void {
  if (!db.open) return;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
    fs.rmSync(path.join(dataDir, RUNNING_MARK), { force: true });
  }
}

export function currentVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration after `from` in one transaction; any failure leaves the database as it was. */
export function migrate(db: Db, migrations: Migration[], from: number): void {
  const pending = migrations.filter((m) => m.version > from);
  const run = db.transaction(() => {
    for (const m of pending) db.exec(m.sql);
    db.pragma(`user_version = ${pending[pending.length - 1]!.version}`);
  });
  run.immediate();
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
