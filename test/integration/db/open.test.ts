import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { closeStore, dbFileIn, loadMigrations, openStore, type Migration } from '../../../db/open.js';
import { tempDir } from '../../support/counter.js';

const opened: { db: Database.Database; dir: string }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) if (o.db.open) closeStore(o.db, o.dir);
});

function open(dir: string, migrations?: Migration[]) {
  const r = openStore(dir, migrations ? { migrations } : {});
  opened.push({ db: r.db, dir });
  return r;
}

describe('openStore', () => {
  it('sets WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const { db } = open(tempDir('db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('applies every migration and records the last in user_version', () => {
    const { db, migratedTo } = open(tempDir('db'));
    const all = loadMigrations();
    expect(migratedTo).toBe(all.length);
    expect(db.pragma('user_version', { simple: true })).toBe(all.length);
  });

  it('numbers migrations 1..n with no gap', () => {
    loadMigrations().forEach((m, i) => expect(m.version).toBe(i + 1));
  });

  it('refuses a database newer than the app and leaves it untouched', () => {
    const dir = tempDir('db');
    const { db } = open(dir);
    db.pragma('user_version = 999');
    closeStore(db, dir);
    const before = fs.readFileSync(dbFileIn(dir));
    expect(() => openStore(dir)).toThrow(expect.objectContaining({ code: 'DB_NEWER_THAN_APP' }));
    expect(fs.readFileSync(dbFileIn(dir)).equals(before)).toBe(true);
  });

  it('takes a backup before migrating an existing database', () => {
    const dir = tempDir('db');
    const migrations = loadMigrations();
    const extra: Migration = { version: migrations.length + 1, name: 'test_extra', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);' };
    const first = open(dir);
    closeStore(first.db, dir);
    const second = open(dir, [...migrations, extra]);
    expect(second.backupBeforeMigration).not.toBeNull();
    const copy = new Database(second.backupBeforeMigration!, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(migrations.length);
    copy.close();
    expect(second.db.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
  });

  it('rolls back a failing migration completely', () => {
    const dir = tempDir('db');
    const migrations = loadMigrations();
    const first = open(dir);
    closeStore(first.db, dir);
    const bad: Migration[] = [
      ...migrations,
      { version: migrations.length + 1, name: 'ok_part', sql: 'CREATE TABLE half (id INTEGER PRIMARY KEY);' },
      { version: migrations.length + 2, name: 'broken', sql: 'CREATE TABLE broken (id INTEGER PRIMARY KEY); THIS IS NOT SQL;' },
    ];
    expect(() => openStore(dir, { migrations: bad })).toThrow();
    const { db } = open(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('half', 'broken')").get()).toEqual({ n: 0 });
  });

  it('runs integrity_check after an unclean exit and refuses a damaged file', () => {
    const dir = tempDir('db');
    const { db } = open(dir);
    db.exec('CREATE TABLE filler (v TEXT); ');
    const ins = db.prepare('INSERT INTO filler VALUES (?)');
    for (let i = 0; i < 2000; i++) ins.run('x'.repeat(200));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close(); // no closeStore: the running mark stays, as after a crash
    expect(fs.existsSync(path.join(dir, 'postdesk.running'))).toBe(true);
    const again = open(dir);
    expect(again.recoveredFromUncleanExit).toBe(true);
    again.db.close();
    // Damage a page in the middle of the file.
    const file = dbFileIn(dir);
    const fd = fs.openSync(file, 'r+');
    const size = fs.fstatSync(fd).size;
    fs.writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
    fs.closeSync(fd);
    expect(() => openStore(dir)).toThrow(expect.objectContaining({ code: expect.stringMatching(/DB_CORRUPT|SQLITE_CORRUPT/) }));
  });

  it('a clean close removes the running mark', () => {
    const dir = tempDir('db');
    const { db } = open(dir);
    closeStore(db, dir);
    expect(fs.existsSync(path.join(dir, 'postdesk.running'))).toBe(false);
    const again = open(dir);
    expect(again.recoveredFromUncleanExit).toBe(false);
  });
});

describe('migration 001', () => {
  it('makes money rows and the audit log append-only', () => {
    const { db } = open(tempDir('db'));
    db.prepare("INSERT INTO clerks (personal_no, name, role, pin_hash, created_at) VALUES ('1', 'x', 'clerk', 'h', 't')").run();
    db.prepare("INSERT INTO ledger_transactions (kind, clerk_id, created_at) VALUES ('t', 1, 't')").run();
    db.prepare("INSERT INTO postings (transaction_id, account, amount_para) VALUES (1, 'a', 5)").run();
    expect(() => db.prepare('UPDATE postings SET amount_para = 6').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM postings').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger_transactions').run()).toThrow(/append-only/);
  });

  it('seeds RSD denominations and sample tariffs marked as samples', () => {
    const { db } = open(tempDir('db'));
    expect((db.prepare('SELECT COUNT(*) AS n FROM denominations').get() as { n: number }).n).toBeGreaterThanOrEqual(14);
    const tariffs = db.prepare("SELECT sample FROM tariffs WHERE item_kind = 'postal_fee'").all() as { sample: number }[];
    expect(tariffs.length).toBeGreaterThan(0);
    expect(tariffs.every((t) => t.sample === 1)).toBe(true);
  });
});
