/**
 * Central storage on PostgreSQL. Tables live in one schema (default
 * "postdesk_sync"), so tests can use a throw-away schema per run.
 *
 * Concurrency: a batch locks its device row (SELECT … FOR UPDATE), so two
 * copies of the same batch arriving together are applied one after the other.
 * Publishers take a transaction-level advisory lock around the feed insert,
 * so feed cursors commit in cursor order and a reader can never skip a row
 * that commits later with a smaller cursor.
 */
import pg from 'pg';
import { planBatch, type BatchItem, type ExistingRow, type PullItem } from '../domain/sync.js';
import { feedRowToItem, type CentralStats, type CentralStorage, type CrashHook, type DeviceRecord, type EnrollmentRecord, type FeedEntry, type PushOutcome, type RedeemOutcome, type RedeemRequest, type StoredEvent } from './storage.js';

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;
/** Arbitrary constants for pg_advisory_xact_lock. */
const FEED_LOCK = 0x5044_0001;
const INIT_LOCK = 0x5044_0002;

export interface PgStorageOptions {
  url: string;
  schema?: string;
  poolSize?: number;
  crashHook?: CrashHook;
}

export class PgCentralStorage implements CentralStorage {
  readonly kind = 'postgres' as const;
  readonly description: string;
  readonly schema: string;
  private readonly pool: pg.Pool;
  /** Nonce inserts do not wait for the WAL flush: losing the last few in a crash only reopens a replay window for idempotent requests. */
  private readonly noncePool: pg.Pool;
  private readonly crashHook: CrashHook | undefined;
  private nonceCount = 0;

  private constructor(opts: PgStorageOptions) {
    this.schema = opts.schema ?? 'postdesk_sync';
    if (!SCHEMA_RE.test(this.schema)) throw new Error(`"${this.schema}" is not a usable schema name (lower-case letters, digits, _)`);
    this.pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 8 });
    // An idle client that loses its server must not crash the process.
    this.pool.on('error', () => {});
    this.noncePool = new pg.Pool({ connectionString: opts.url, max: 2, options: '-c synchronous_commit=off' });
    this.noncePool.on('error', () => {});
    this.crashHook = opts.crashHook;
    this.description = `PostgreSQL ${redactUrl(opts.url)} schema ${this.schema}`;
  }

  static async open(opts: PgStorageOptions): Promise<PgCentralStorage> {
    const s = new PgCentralStorage(opts);
    try {
      await s.init();
    } catch (e) {
      await s.pool.end();
      await s.noncePool.end();
      throw e;
    }
    return s;
  }

  private t(name: string): string {
    return `"${this.schema}".${name}`;
  }

  private async init(): Promise<void> {
    const S = `"${this.schema}"`;
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [INIT_LOCK]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
      await c.query(`
        CREATE TABLE IF NOT EXISTS ${S}.devices (
          id            text PRIMARY KEY,
          secret        text NOT NULL,
          branch        text NOT NULL,
          counter       text NOT NULL,
          acked_through bigint NOT NULL DEFAULT 0,
          enrolled_at   text NOT NULL,
          last_seen_at  text,
          revoked_at    text
        );
        CREATE TABLE IF NOT EXISTS ${S}.enrollments (
          code_hash  text PRIMARY KEY,
          branch     text NOT NULL,
          counter    text NOT NULL,
          created_at text NOT NULL,
          expires_at text NOT NULL,
          used_at    text,
          client_key text,
          device_id  text REFERENCES ${S}.devices (id)
        );
        CREATE TABLE IF NOT EXISTS ${S}.events (
          device           text NOT NULL REFERENCES ${S}.devices (id),
          seq              bigint NOT NULL,
          event_id         text NOT NULL,
          type             text,
          at               text,
          payload          text,
          state            text NOT NULL CHECK (state IN ('event', 'set_aside')),
          set_aside_reason text,
          received_at      text NOT NULL,
          CONSTRAINT events_device_seq UNIQUE (device, seq)
        );
        CREATE TABLE IF NOT EXISTS ${S}.nonces (
          device  text NOT NULL,
          nonce   text NOT NULL,
          seen_at text NOT NULL,
          PRIMARY KEY (device, nonce)
        );
        CREATE INDEX IF NOT EXISTS nonces_by_age ON ${S}.nonces (seen_at);
        CREATE TABLE IF NOT EXISTS ${S}.feed (
          cursor       bigserial PRIMARY KEY,
          kind         text NOT NULL CHECK (kind IN ('ref', 'status')),
          dataset      text NOT NULL,
          key          text NOT NULL,
          data         text,
          deleted      boolean NOT NULL DEFAULT false,
          branch       text,
          at           text NOT NULL,
          published_at text NOT NULL
        );
        CREATE INDEX IF NOT EXISTS feed_by_key ON ${S}.feed (dataset, key);
      `);
    });
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await c.query('ROLLBACK');
      } catch {
        // the connection is gone; PostgreSQL rolled back already
      }
      throw e;
    } finally {
      c.release();
    }
  }

  async createEnrollment(rec: EnrollmentRecord): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.t('enrollments')} (code_hash, branch, counter, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`, [rec.codeHash, rec.branch, rec.counter, rec.createdAt, rec.expiresAt]);
  }

  async redeemEnrollment(req: RedeemRequest): Promise<RedeemOutcome> {
    return this.tx(async (c): Promise<RedeemOutcome> => {
      const e = (await c.query(`SELECT * FROM ${this.t('enrollments')} WHERE code_hash = $1 FOR UPDATE`, [req.codeHash])).rows[0] as { branch: string; counter: string; expires_at: string; used_at: string | null; client_key: string | null; device_id: string | null } | undefined;
      if (!e) return { kind: 'invalid' };
      if (e.used_at !== null) {
        if (e.client_key === req.clientKey && e.device_id) {
          const d = await this.deviceWith(c, e.device_id);
          if (d) return { kind: 'ok', device: d, reused: true };
        }
        return { kind: 'used' };
      }
      if (Date.parse(req.now) > Date.parse(e.expires_at)) return { kind: 'expired', expiresAt: e.expires_at };
      if ((req.branch !== undefined && req.branch !== e.branch) || (req.counter !== undefined && req.counter !== e.counter)) {
        return { kind: 'mismatch', branch: e.branch, counter: e.counter };
      }
      let deviceId = req.newDeviceId;
      const prev = req.previousDevice ? await this.deviceWith(c, req.previousDevice) : null;
      if (prev && prev.branch === e.branch && prev.counter === e.counter) {
        deviceId = prev.id;
        await c.query(`UPDATE ${this.t('devices')} SET secret = $1, revoked_at = NULL, enrolled_at = $2 WHERE id = $3`, [req.newSecret, req.now, deviceId]);
      } else {
        await c.query(`INSERT INTO ${this.t('devices')} (id, secret, branch, counter, enrolled_at) VALUES ($1, $2, $3, $4, $5)`, [deviceId, req.newSecret, e.branch, e.counter, req.now]);
      }
      await c.query(`UPDATE ${this.t('enrollments')} SET used_at = $1, client_key = $2, device_id = $3 WHERE code_hash = $4`, [req.now, req.clientKey, deviceId, req.codeHash]);
      return { kind: 'ok', device: (await this.deviceWith(c, deviceId))!, reused: false };
    });
  }

  private async deviceWith(c: pg.PoolClient | pg.Pool, id: string): Promise<DeviceRecord | null> {
    const r = (await c.query(`SELECT * FROM ${this.t('devices')} WHERE id = $1`, [id])).rows[0] as DeviceRow | undefined;
    return r ? toDevice(r) : null;
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    return this.deviceWith(this.pool, id);
  }

  async revokeDevice(id: string, at: string): Promise<boolean> {
    return ((await this.pool.query(`UPDATE ${this.t('devices')} SET revoked_at = $1 WHERE id = $2`, [at, id])).rowCount ?? 0) === 1;
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return ((await this.pool.query(`SELECT * FROM ${this.t('devices')} ORDER BY id`)).rows as DeviceRow[]).map(toDevice);
  }

  async useNonce(device: string, nonce: string, at: string, forgetBefore: string): Promise<boolean> {
    if (++this.nonceCount % 500 === 0) await this.noncePool.query(`DELETE FROM ${this.t('nonces')} WHERE seen_at < $1`, [forgetBefore]);
    const r = await this.noncePool.query(`INSERT INTO ${this.t('nonces')} (device, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [device, nonce, at]);
    return r.rowCount === 1;
  }

  async pushBatch(device: string, items: readonly BatchItem[], receivedAt: string): Promise<PushOutcome> {
    return this.tx(async (c): Promise<PushOutcome> => {
      const h = (await c.query(`SELECT acked_through FROM ${this.t('devices')} WHERE id = $1 FOR UPDATE`, [device])).rows[0] as { acked_through: string } | undefined;
      if (!h) return { kind: 'unknown_device' };
      const held = Number(h.acked_through);
      const old = items.filter((it) => it.seq <= held).map((it) => it.seq);
      const existing = new Map<number, ExistingRow>();
      if (old.length > 0) {
        const rows = (await c.query(`SELECT seq, event_id, state FROM ${this.t('events')} WHERE device = $1 AND seq = ANY($2::bigint[])`, [device, old])).rows as { seq: string; event_id: string; state: 'event' | 'set_aside' }[];
        for (const r of rows) existing.set(Number(r.seq), { eventId: r.event_id, state: r.state });
      }
      const plan = planBatch(held, items, existing);
      if (plan.kind !== 'apply') return plan;
      for (const it of plan.fills) {
        const e = it.event!;
        await c.query(`UPDATE ${this.t('events')} SET type = $1, at = $2, payload = $3, state = 'event', set_aside_reason = NULL, received_at = $4 WHERE device = $5 AND seq = $6 AND state = 'set_aside'`, [e.type, e.at, e.payload, receivedAt, device, it.seq]);
      }
      let inserted = 0;
      if (plan.inserts.length > 0) {
        const cols = { seq: [] as number[], id: [] as string[], type: [] as (string | null)[], at: [] as (string | null)[], payload: [] as (string | null)[], state: [] as string[], reason: [] as (string | null)[] };
        for (const it of plan.inserts) {
          cols.seq.push(it.seq);
          cols.id.push(it.id);
          cols.type.push(it.event?.type ?? null);
          cols.at.push(it.event?.at ?? null);
          cols.payload.push(it.event?.payload ?? null);
          cols.state.push(it.kind);
          cols.reason.push(it.kind === 'set_aside' ? (it.reason ?? '') : null);
        }
        const r = await c.query(
          `INSERT INTO ${this.t('events')} (device, seq, event_id, type, at, payload, state, set_aside_reason, received_at)
           SELECT $1, u.seq, u.id, u.type, u.at, u.payload, u.state, u.reason, $9
           FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u (seq, id, type, at, payload, state, reason)
           ON CONFLICT (device, seq) DO NOTHING`,
          [device, cols.seq, cols.id, cols.type, cols.at, cols.payload, cols.state, cols.reason, receivedAt],
        );
        inserted = r.rowCount ?? 0;
      }
      if (inserted !== plan.inserts.length) throw new Error(`device ${device} held rows above seq ${held}; the central store is inconsistent`);
      await c.query(`UPDATE ${this.t('devices')} SET acked_through = $1, last_seen_at = $2 WHERE id = $3`, [plan.ackedThrough, receivedAt, device]);
      this.crashHook?.('push-before-commit');
      const out: PushOutcome = { kind: 'ok', ackedThrough: plan.ackedThrough, inserted, filled: plan.fills.length };
      if (plan.expected !== undefined) out.expected = plan.expected;
      return out;
    });
  }

  async publish(entry: FeedEntry): Promise<number> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [FEED_LOCK]);
      const r = await c.query(`INSERT INTO ${this.t('feed')} (kind, dataset, key, data, deleted, branch, at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING cursor`, [entry.kind, entry.dataset, entry.key, entry.data, entry.deleted, entry.branch, entry.at, new Date().toISOString()]);
      return Number((r.rows[0] as { cursor: string }).cursor);
    });
  }

  async latestRef(dataset: string, keyPrefix: string): Promise<(FeedEntry & { cursor: number }) | null> {
    const r = (await this.pool.query(`SELECT * FROM ${this.t('feed')} WHERE kind = 'ref' AND dataset = $1 AND left(key, length($2)) = $2 ORDER BY cursor DESC LIMIT 1`, [dataset, keyPrefix])).rows[0] as (FeedRow & { cursor: string }) | undefined;
    return r ? { cursor: Number(r.cursor), kind: r.kind, dataset: r.dataset, key: r.key, data: r.data, deleted: r.deleted, branch: r.branch, at: r.at } : null;
  }

  async readFeed(branch: string, after: number, limit: number): Promise<PullItem[]> {
    const rows = (await this.pool.query(`SELECT cursor, kind, dataset, key, data, deleted, at FROM ${this.t('feed')} WHERE cursor > $1 AND (branch IS NULL OR branch = $2) ORDER BY cursor LIMIT $3`, [after, branch, limit])).rows as (FeedRow & { cursor: string })[];
    return rows.map((r) => feedRowToItem({ ...r, cursor: Number(r.cursor) }));
  }

  async exportEvents(device?: string): Promise<StoredEvent[]> {
    const rows = (device === undefined
      ? await this.pool.query(`SELECT * FROM ${this.t('events')} ORDER BY device, seq`)
      : await this.pool.query(`SELECT * FROM ${this.t('events')} WHERE device = $1 ORDER BY seq`, [device])).rows as (Omit<EventRow, 'seq'> & { seq: string })[];
    return rows.map((r) => ({ device: r.device, seq: Number(r.seq), eventId: r.event_id, type: r.type, at: r.at, payload: r.payload, state: r.state, setAsideReason: r.set_aside_reason, receivedAt: r.received_at }));
  }

  async stats(): Promise<CentralStats> {
    const one = async (sql: string) => Number(((await this.pool.query(sql)).rows[0] as { n: string }).n);
    return {
      devices: await one(`SELECT COUNT(*) AS n FROM ${this.t('devices')}`),
      events: await one(`SELECT COUNT(*) AS n FROM ${this.t('events')} WHERE state = 'event'`),
      setAside: await one(`SELECT COUNT(*) AS n FROM ${this.t('events')} WHERE state = 'set_aside'`),
      feed: await one(`SELECT COUNT(*) AS n FROM ${this.t('feed')}`),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.noncePool.end();
  }

  /** Drops the schema and everything in it (tests clean up their throw-away schema). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }
}

interface DeviceRow {
  id: string;
  secret: string;
  branch: string;
  counter: string;
  acked_through: string;
  enrolled_at: string;
  revoked_at: string | null;
}

interface FeedRow {
  kind: 'ref' | 'status';
  dataset: string;
  key: string;
  data: string | null;
  deleted: boolean;
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
  return { id: r.id, secret: r.secret, branch: r.branch, counter: r.counter, ackedThrough: Number(r.acked_through), enrolledAt: r.enrolled_at, revokedAt: r.revoked_at };
}

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
