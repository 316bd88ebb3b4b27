/** `postdesk restore`: puts a backup back, keeping the current database aside. */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { dbFileIn } from '../../db/open.js';
import { defaultBackupFile } from './backup.js';
import { type Command, CliError, EXIT, checkDatabaseCopy, confirm, fileStamp, fsyncPath, printJson, refuseWhileRunning, requiredOption, usageError } from './common.js';

/** Keeps the current database (with anything still in its write-ahead log) as a backup file. */
async function keepAside(dbFile: string, dataDir: string): Promise<string> {
  const aside = defaultBackupFile(dataDir, 'before-restore');
  fs.mkdirSync(path.dirname(aside), { recursive: true, mode: 0o700 });
  try {
    const cur = new Database(dbFile, { fileMustExist: true });
    try {
      cur.pragma('busy_timeout = 5000');
      await cur.backup(aside);
    } finally {
      // The last connection to close folds the write-ahead log into the file and removes it.
      cur.close();
    }
  } catch {
    // A damaged database may refuse the online backup: keep its files byte for byte instead.
    fs.rmSync(aside, { force: true });
    fs.copyFileSync(dbFile, aside);
    for (const ext of ['-wal', '-shm']) if (fs.existsSync(dbFile + ext)) fs.copyFileSync(dbFile + ext, aside + ext);
  }
  fsyncPath(aside);
  return aside;
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'replace the database with a backup (the current one is kept aside)',
  help: `Usage: postdesk restore --from FILE [--yes] [--force] [--data DIR] [--json]

Replaces the data folder's database with a backup. The file must be a whole
PostDesk database: an SQLite file that passes integrity_check, with PostDesk's
tables and a schema version this PostDesk knows (an older one is migrated at
the next start). The current database is kept in DIR/backups/ first, then the
new one takes its place in one atomic rename.

  --from FILE   the backup to restore (e.g. one that "postdesk backup" wrote)
  --yes         do not ask for confirmation (needed when standard input is not a terminal)
  --force       restore even though the running mark says PostDesk has the folder open
                (only when that mark is stale: replacing the file under a running app loses its work)`,
  options: { from: { type: 'string' }, yes: { type: 'boolean' }, force: { type: 'boolean' } },
  async run(ctx) {
    const { dataDir, io, values } = ctx;
    const from = path.resolve(requiredOption(values, 'from', 'restore'));
    const dbFile = dbFileIn(dataDir);
    if (!fs.existsSync(from) || !fs.statSync(from).isFile()) throw new CliError('NOT_FOUND', `There is no file ${from}`);
    if (from === path.resolve(dbFile)) throw usageError('--from is the data folder\'s own database', 'restore');
    const wal = `${from}-wal`;
    if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
      throw new CliError('NOT_A_BACKUP', `${from} has a write-ahead log beside it: it is a live database, not a backup. Copy it with "postdesk backup --data ${path.dirname(from)}" and restore that copy.`);
    }
    if (values.force !== true) refuseWhileRunning(dataDir, 'restoring');

    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The copy is prepared beside the database, so the final rename stays on one file system.
    const incoming = path.join(dataDir, `.restore-${fileStamp()}.sqlite`);
    try {
      fs.copyFileSync(from, incoming);
      const check = checkDatabaseCopy(incoming, from);
      if (values.yes !== true) {
        if (!io.stdin.isTTY) throw usageError('restore replaces the database: add --yes to confirm', 'restore');
        if (!(await confirm(io, `Replace ${dbFile} with ${from}? The current database is kept in ${path.join(dataDir, 'backups')}.`))) {
          throw new CliError('CANCELLED', 'Nothing was restored');
        }
      }
      fsyncPath(incoming);
      const aside = fs.existsSync(dbFile) ? await keepAside(dbFile, dataDir) : null;
      // Whatever log is left belongs to the old file (kept aside above); it must not be replayed into the new one.
      fs.rmSync(`${dbFile}-wal`, { force: true });
      fs.rmSync(`${dbFile}-shm`, { force: true });
      fs.renameSync(incoming, dbFile);
      fsyncPath(dataDir);
      const result = { ok: true, database: dbFile, restoredFrom: from, previousKeptAt: aside, schemaVersion: check.schemaVersion };
      if (ctx.json) printJson(io, result);
      else io.out(`Restored ${dbFile} from ${from}.${aside ? `\nThe previous database is kept at ${aside}.` : ''}`);
      return EXIT.ok;
    } finally {
      fs.rmSync(incoming, { force: true });
      fs.rmSync(`${incoming}-journal`, { force: true });
    }
  },
};
