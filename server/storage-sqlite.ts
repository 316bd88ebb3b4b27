/**
 * Central storage on one SQLite file (the default). better-sqlite3 is
 * synchronous, so each batch runs start to commit without another request
 * interleaving; other processes (the operator's CLI) share the file through
 * WAL and the busy timeout.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { planBatch, type BatchItem, type ExistingRow, type PullItem } from '../domain/sync.js';
import { feedRowToItem, type CentralStats, type CentralStorage, type CrashHook, type DeviceRecord, type EnrollmentRecord, type FeedEntry, type PushOutcome, type RedeemOutcome, type RedeemRequest, type StoredEvent } from './storage.js';

export const CENTRAL_DB_FILE = 'central.sqlite';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS devices (
  id            TEXT PRIMARY KEY,
  secret        TEXT NOT NULL,
  branch        TEXT NOT NULL,
  counter       TEXT NOT NULL,
  acked_through INTEGER NOT NULL DEFAULT 0,
  enrolled_at   TEXT NOT NULL,
  last_seen_at  TEXT,
  revoked_at    TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS enrollments (
  code_hash  TEXT PRIMARY KEY,
  branch     TEXT NOT NULL,
  counter    TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT,
  client_key TEXT,
  device_id  TEXT REFERENCES devices (id)
) STRICT;

CREATE TABLE IF NOT EXISTS events (
  device           TEXT NOT NULL REFERENCES devices (id),
  seq              INTEGER NOT NULL,
  event_id         TEXT NOT NULL,
  type             TEXT,
  at               TEXT,
  payload          TEXT,
  state            TEXT NOT NULL CHECK (state IN ('event', 'set_aside')),
  set_aside_reason TEXT,
  received_at      TEXT NOT NULL,
  UNIQUE (device, seq)
) STRICT;

CREATE TABLE IF NOT EXISTS nonces (
  device  TEXT NOT NULL,
  nonce   TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  PRIMARY KEY (device, nonce)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_by_age ON nonces (seen_at);

CREATE TABLE IF NOT EXISTS feed (
  cursor       INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT NOT NULL CHECK (kind IN ('ref', 'status')),
  dataset      TEXT NOT NULL,
  key          TEXT NOT NULL,
  data         TEXT,
  deleted      INTEGER NOT NULL DEFAULT 0,
  branch       TEXT,
  at           TEXT NOT NULL,
  published_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feed_by_key ON feed (dataset, key);
`;

type Stmt = Database.Statement;

export class SqliteCentralStorage implements CentralStorage {
  readonly kind = 'sqlite' as const;
  readonly description: string;
  private readonly db: Database.Database;
  /** Nonces go through their own connection without fsync: losing the last few in a power cut only reopens a replay window for idempotent requests. */
  private readonly nonceDb: Database.Database;
  private readonly s: Record<string, Stmt>;

  constructor(dataDir: string, private readonly crashHook?: CrashHook) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, CENTRAL_DB_FILE);
    this.description = `SQLite ${file}`;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // An acknowledged batch must survive a power cut, not only a crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    const v = this.db.pragma('user_version', { simple: true }) as number;
    if (v > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`The central database ${file} is at schema version ${v}; this server knows only up to ${SCHEMA_VERSION}.`);
    }
    if (v < SCHEMA_VERSION) {
      this.db.transaction(() => {
        this.db.exec(SCHEMA);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }).immediate();
    }
    this.nonceDb = new Database(file);
    this.nonceDb.pragma('synchronous = NORMAL');
    this.nonceDb.pragma('busy_timeout = 10000');
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      device: p('SELECT * FROM devices WHERE id = ?'),
      devices: p('SELECT * FROM devices ORDER BY id'),
      insertEnrollment: p('INSERT INTO enrollments (code_hash, branch, counter, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      enrollment: p('SELECT * FROM enrollments WHERE code_hash = ?'),
      useEnrollment: p('UPDATE enrollments SET used_at = ?, client_key = ?, device_id = ? WHERE code_hash = ? AND used_at IS NULL'),
      insertDevice: p('INSERT INTO devices (id, secret, branch, counter, enrolled_at) VALUES (?, ?, ?, ?, ?)'),
      rotateDevice: p('UPDATE devices SET secret = ?, revoked_at = NULL, enrolled_at = ? WHERE id = ?'),
      insertNonce: this.nonceDb.prepare('INSERT OR IGNORE INTO nonces (device, nonce, seen_at) VALUES (?, ?, ?)'),
      forgetNonces: this.nonceDb.prepare('DELETE FROM nonces WHERE seen_at < ?'),
      held: p('SELECT acked_through FROM devices WHERE id = ?'),
      existing: p('SELECT event_id, state FROM events WHERE device = ? AND seq = ?'),
      insertEvent: p('INSERT OR IGNORE INTO events (device, seq, event_id, type, at, payload, state, set_aside_reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      fillPlaceholder: p("UPDATE events SET type = ?, at = ?, payload = ?, state = 'event', set_aside_reason = NULL, received_at = ? WHERE device = ? AND seq = ? AND state = 'set_aside'"),
      setHeld: p('UPDATE devices SET acked_through = ?, last_seen_at = ? WHERE id = ?'),
      publish: p('INSERT INTO feed (kind, dataset, key, data, deleted, branch, at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      latestRef: p("SELECT * FROM feed WHERE kind = 'ref' AND dataset = ? AND substr(key, 1, length(?)) = ? ORDER BY cursor DESC LIMIT 1"),
      readFeed: p('SELECT cursor, kind, dataset, key, data, deleted, at FROM feed WHERE cursor > ? AND (branch IS NULL OR branch = ?) ORDER BY cursor LIMIT ?'),
    };
    this.nonceCount = 0;
  }

  private nonceCount: number;

  async createEnrollment(rec: EnrollmentRecord): Promise<void> {
    this.s.insertEnrollment!.run(rec.codeHash, rec.branch, rec.counter, rec.createdAt, rec.expiresAt);
  }

  async redeemEnrollment(req: RedeemRequest): Promise<RedeemOutcome> {
    return this.db.transaction((): RedeemOutcome => {
      const e = this.s.enrollment!.get(req.codeHash) as { branch: string; counter: string; expires_at: string; used_at: string | null; client_key: string | null; device_id: string | null } | undefined;
      if (!e) return { kind: 'invalid' };
      if (e.used_at !== null) {
        if (e.client_key === req.clientKey && e.device_id) {
          const d = this.deviceSync(e.device_id);
          if (d) return { kind: 'ok', device: d, reused: true };
        }
        return { kind: 'used' };
      }
      if (Date.parse(req.now) > Date.parse(e.expires_at)) return { kind: 'expired', expiresAt: e.expires_at };
      if ((req.branch !== undefined && req.branch !== e.branch) || (req.counter !== undefined && req.counter !== e.counter)) {
        return { kind: 'mismatch', branch: e.branch, counter: e.counter };
      }
      let deviceId = req.newDeviceId;
      const prev = req.previousDevice ? this.deviceSync(req.previousDevice) : null;
      if (prev && prev.branch === e.branch && prev.counter === e.counter) {
        deviceId = prev.id;
        this.s.rotateDevice!.run(req.newSecret, req.now, deviceId);
      } else {
        this.s.insertDevice!.run(deviceId, req.newSecret, e.branch, e.counter, req.now);
      }
      this.s.useEnrollment!.run(req.now, req.clientKey, deviceId, req.codeHash);
      return { kind: 'ok', device: this.deviceSync(deviceId)!, reused: false };
    }).immediate();
  }

  private deviceSync(id: string): DeviceRecord | null {
    const r = this.s.device!.get(id) as DeviceRow | undefined;
    return r ? toDevice(r) : null;
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    return this.deviceSync(id);
  }

  async revokeDevice(id: string, at: string): Promise<boolean> {
    return this.db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ?').run(at, id).changes === 1;
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return (this.s.devices!.all() as DeviceRow[]).map(toDevice);
  }

  async useNonce(device: string, nonce: string, at: string, forgetBefore: string): Promise<boolean> {
    if (++this.nonceCount % 500 === 0) this.s.forgetNonces!.run(forgetBefore);
    return this.s.insertNonce!.run(device, nonce, at).changes === 1;
  }

  async pushBatch(device: string, items: readonly BatchItem[], receivedAt: string): Promise<PushOutcome> {
    return this.db.transaction((): PushOutcome => {
      const h = this.s.held!.get(device) as { acked_through: number } | undefined;
      if (!h) return { kind: 'unknown_device' };
      const held = h.acked_through;
      const existing = new Map<number, ExistingRow>();
      for (const it of items) {
        if (it.seq > held) break;
        const r = this.s.existing!.get(device, it.seq) as { event_id: string; state: 'event' | 'set_aside' } | undefined;
        if (r) existing.set(it.seq, { eventId: r.event_id, state: r.state });
      }
      const plan = planBatch(held, items, existing);
      if (plan.kind !== 'apply') return plan;
      for (const it of plan.fills) {
        const e = it.event!;
        this.s.fillPlaceholder!.run(e.type, e.at, e.payload, receivedAt, device, it.seq);
      }
      let inserted = 0;
      for (const it of plan.inserts) {
        const e = it.event;
        inserted += this.s.insertEvent!.run(device, it.seq, it.id, e?.type ?? null, e?.at ?? null, e?.payload ?? null, it.kind, it.kind === 'set_aside' ? (it.reason ?? '') : null, receivedAt).changes;
      }
      if (inserted !== plan.inserts.length) throw new Error(`device ${device} held rows above seq ${held}; the central store is inconsistent`);
      this.s.setHeld!.run(plan.ackedThrough, receivedAt, device);
      this.crashHook?.('push-before-commit');
      const out: PushOutcome = { kind: 'ok', ackedThrough: plan.ackedThrough, inserted, filled: plan.fills.length };
      if (plan.expected !== undefined) out.expected = plan.expected;
      return out;
    }).immediate();
  }

  async publish(entry: FeedEntry): Promise<number> {
    const r = this.s.publish!.run(entry.kind, entry.dataset, entry.key, entry.data, entry.deleted ? 1 : 0, entry.branch, entry.at, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  async latestRef(dataset: string, keyPrefix: string): Promise<(FeedEntry & { cursor: number }) | null> {
    const r = this.s.latestRef!.get(dataset, keyPrefix, keyPrefix) as FeedRow | undefined;
    return r ? { cursor: r.cursor, kind: r.kind, dataset: r.dataset, key: r.key, data: r.data, deleted: r.deleted === 1, branch: r.branch, at: r.at } : null;
  }

  async readFeed(branch: string, after: number, limit: number): Promise<PullItem[]> {
    return (this.s.readFeed!.all(after, branch, limit) as FeedRow[]).map(feedRowToItem);
  }

  async exportEvents(device?: string): Promise<StoredEvent[]> {
    const rows = (device === undefined
      ? this.db.prepare('SELECT * FROM events ORDER BY device, seq').all()
      : this.db.prepare('SELECT * FROM events WHERE device = ? ORDER BY seq').all(device)) as EventRow[];
    return rows.map((r) => ({ device: r.device, seq: r.seq, eventId: r.event_id, type: r.type, at: r.at, payload: r.payload, state: r.state, setAsideReason: r.set_aside_reason, receivedAt: r.received_at }));
  }

  async stats(): Promise<CentralStats> {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      devices: one('SELECT COUNT(*) AS n FROM devices'),
      events: one("SELECT COUNT(*) AS n FROM events WHERE state = 'event'"),
      setAside: one("SELECT COUNT(*) AS n FROM events WHERE state = 'set_aside'"),
      feed: one('SELECT COUNT(*) AS n FROM feed'),
    };
  }

  async close(): Promise<void> {
    if (this.nonceDb.open) this.nonceDb.close();
    if (this.db.open) this.db.close();
  }
}

interface DeviceRow {
  id: string;
  secret: string;
  branch: string;
  counter: string;
  acked_through: number;
  enrolled_at: string;
  revoked_at: string | null;
}

interface FeedRow {
  cursor: number;
  kind: 'ref' | 'status';
  dataset: string;
  key: string;
  data: string | null;
  deleted: number;
  branch: string | null;
  at: string;
}

interface EventRow {
  device: string;
  seq: number;
  event_id: string;
  type: string | null;
  at: string | null;
  payload: string | null;
  state: 'event' | 'set_aside';
  set_aside_reason: string | null;
  received_at: string;
}

function toDevice(r: DeviceRow): DeviceRecord {
  return { id: r.id, secret: r.secret, branch: r.branch, counter: r.counter, ackedThrough: r.acked_through, enrolledAt: r.enrolled_at, revokedAt: r.revoked_at };
}
