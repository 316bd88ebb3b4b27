/** `postdesk verify`: proves the books from the rows and names the first bad row. */
import Database from 'better-sqlite3';
import type { VerifyFault, VerifyReport } from '../../domain/api.js';
import { AppError } from '../../domain/errors.js';
import { currentVersion } from '../../db/open.js';
import { openCounterStore, type Store } from '../../services/store.js';
import { verifyStore } from '../../services/verify.js';
import { type Command, EXIT, latestSchemaVersion, printJson, requireDatabase, runningPid } from './common.js';

/** Runs the checks in one read transaction, so a running app's writes cannot make them disagree. */
function verifyIn(store: Store): VerifyReport {
  return store.db.transaction(() => {
    const integrity = (store.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).filter((r) => r !== 'ok');
    const report = verifyStore(store);
    if (integrity.length === 0) return report;
    const fault: VerifyFault = { check: 'integrity_check', table: 'sqlite', rowId: 'database', problem: `SQLite integrity_check: ${integrity.slice(0, 3).join('; ')}` };
    const faults = [fault, ...report.faults];
    return { ...report, ok: false, faults, firstFault: fault };
  })();
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check the books, the receipts and the audit chain; name the first bad row',
  help: `Usage: postdesk verify [--data DIR] [--json]

Proves the books from the rows themselves: SQLite's integrity_check; every
ledger transaction's postings sum to zero; every receipt matches its lines,
tenders, postings and the digest its audit row recorded; receipt numbers run
without a gap per day; every till's expected cash is derived again from
postings; the append-only guards are in place; the audit chain is unbroken.
Till differences are listed with the clerk's reason under "discrepancies".

Always prints the JSON report on standard output. On a fault, standard error
names the first bad row (table and row id).

Exit status: 0 all checks pass; 1 a fault was found, or the database could not
be read; 2 the database is newer than this PostDesk.

The store is opened as the app opens it (migrations, and integrity_check after
an unclean exit). While the app has the folder open, it is only read.`,
  options: {},
  alwaysJson: true,
  run(ctx) {
    const { dataDir, io } = ctx;
    const file = requireDatabase(dataDir);
    let report: VerifyReport;
    if (runningPid(dataDir) !== null) {
      // The app has the store open: read beside it; the app already migrated and owns the running mark.
      const db = new Database(file, { fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        const version = currentVersion(db);
        const latest = latestSchemaVersion();
        if (version > latest) {
          throw new AppError('DB_NEWER_THAN_APP', `The database is at schema version ${version}, but this PostDesk knows only up to ${latest}. Install the newer PostDesk that wrote it; the database was not changed.`);
        }
        report = verifyIn({ db, dataDir, now: () => new Date() });
      } finally {
        db.close();
      }
    } else {
      const store = openCounterStore(dataDir);
      try {
        report = verifyIn(store);
      } finally {
        store.close();
      }
    }
    printJson(io, report);
    if (report.ok) return EXIT.ok;
    const f = report.firstFault!;
    io.err(`postdesk: VERIFY_FAILED: ${report.faults.length} fault${report.faults.length === 1 ? '' : 's'}; first bad row: ${f.table} ${f.rowId} (${f.check}): ${f.problem}`);
    return EXIT.failure;
  },
};
