/**
 * The Store every service takes: the open database, its folder and a clock.
 * Services return plain data; they never touch Electron or the DOM.
 */
import { prep } from '../db/prepared.js';
import { openStore, closeStore, type Db, type OpenResult } from '../db/open.js';

export interface Store {
  readonly db: Db;
  readonly dataDir: string;
  /** The clock, replaceable in tests. Instants are stored as UTC ISO text. */
  now(): Date;
}

export interface OpenedStore extends Store {
  readonly opened: OpenResult;
  close(): void;
}

export function openCounterStore(dataDir: string, opts: { now?: () => Date } = {}): OpenedStore {
  const opened = openStore(dataDir);
  const now = opts.now ?? (() => new Date());
  return {
    db: opened.db,
    dataDir,
    opened,
    now,
    close: () => closeStore(opened.db, dataDir),
  };
}

/** Runs fn in one IMMEDIATE transaction (the single writer takes the lock at once). */
export function inTransaction<T>(store: Store, fn: () => T): T {
  return store.db.transaction(fn).immediate();
}

export function isoNow(store: Store): string {
  return store.now().toISOString();
}

/** Reads a meta value (branch code, counter number, device id …). */
export function getMeta(store: Store, key: string): string | null {
  const row = prep(store.db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(store: Store, key: string, value: string): void {
  prep(store.db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function getSetting(store: Store, key: string, fallback: string): string {
  const row = prep(store.db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? fallback;
}

export function getSettingNumber(store: Store, key: string, fallback: number): number {
  const n = Number(getSetting(store, key, String(fallback)));
  return Number.isFinite(n) ? n : fallback;
}
