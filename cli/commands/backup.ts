/** `postdesk backup`: an online copy of the store, checked before it is kept. */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { currentVersion } from '../../db/open.js';
import { type Command, CliError, EXIT, checkDatabaseCopy, fileStamp, fsyncPath, printJson, requireDatabase, stringOption } from './common.js';

export function defaultBackupFile(dataDir: string, prefix = 'postdesk'): string {
  return path.join(dataDir, 'backups', `${prefix}-${fileStamp()}.sqlite`);
}

/**
 * Copies the live database with SQLite's online backup (consistent even while
 * the app writes), checks the copy, and only then gives it its name.
 */
export async function backupDatabase(dbFile: string, out: string): Promise<{ file: string; bytes: number; schemaVersion: number }> {
  fs.mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
  const partial = `${out}.partial`;
  fs.rmSync(partial, { force: true });
  const src = new Database(dbFile, { fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    if (currentVersion(src) < 1) throw new CliError('NOT_A_POSTDESK_DB', `${dbFile} is not a PostDesk database (schema version 0)`);
    await src.backup(partial);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw e;
  } finally {
    src.close();
  }
  try {
    const check = checkDatabaseCopy(partial, 'The backup copy');
    fsyncPath(partial);
    fs.renameSync(partial, out);
    fsyncPath(path.dirname(out));
    return { file: out, bytes: check.bytes, schemaVersion: check.schemaVersion };
  } catch (e) {
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}-journal`, { force: true });
    throw e;
  }
}

export const backupCommand: Command = {
  name: 'backup',
  summary: 'an online backup of the database, integrity-checked',
  help: `Usage: postdesk backup [--out FILE] [--data DIR] [--json]

Copies the database with SQLite's online backup, safe while the app is
running, checks the copy (integrity_check and schema version) and prints its
path. The copy is one self-contained file; "postdesk restore --from FILE"
puts it back.

  --out FILE   where to write the copy (default: DIR/backups/postdesk-<UTC time>.sqlite);
               an existing file is never overwritten`,
  options: { out: { type: 'string' } },
  async run(ctx) {
    const { dataDir, io, values } = ctx;
    const dbFile = requireDatabase(dataDir);
    const given = stringOption(values, 'out');
    const out = given === undefined ? defaultBackupFile(dataDir) : path.resolve(given);
    if (fs.existsSync(out)) throw new CliError('FILE_EXISTS', `${out} already exists; a backup never overwrites a file`);
    const result = await backupDatabase(dbFile, out);
    if (ctx.json) printJson(io, { ok: true, ...result, integrity: 'ok' });
    else io.out(result.file);
    return EXIT.ok;
  },
};
