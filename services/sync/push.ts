/**
 * Push: read the next unacknowledged outbox rows in seq order (at most N
 * events and B bytes, streamed from the outbox, never loaded whole), send them
 * as one gzip batch, and act on the answer:
 *  - ok: mark acknowledged, in one transaction, exactly the rows that were in
 *    the batch and are ≤ ackedThrough;
 *  - SYNC_GAP: the centre holds less than this counter thought (e.g. it was
 *    restored from a backup): un-acknowledge from the seq it expects, resend;
 *  - SYNC_MALFORMED: set the refused events aside (audited) and declare them
 *    in the next batch, so the centre keeps a placeholder and the rest flows;
 *  - PAYLOAD_TOO_LARGE: halve the batch; a single event too large is set aside.
 * Anything else is thrown for the agent to retry with backoff.
 */
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { appendAudit } from '../../db/audit.js';
import { prep } from '../../db/prepared.js';
import { AppError } from '../../domain/errors.js';
import { GapDetailsSchema, MalformedDetailsSchema, PushAnswerSchema, SYNC_PATHS } from '../../domain/sync.js';
import { isoNow, type Store } from '../store.js';
import { answerError, exchange, type DeviceKey } from './transport.js';
import { lowerPushFloor, pushFloor, raisePushFloor, type BatchLimits } from './state.js';

const gzipAsync = promisify(gzip);

export interface Connection {
  serverUrl: string;
  key: DeviceKey;
  timeoutMs: number;
}

export type PushStep =
  | { kind: 'idle' }
  | { kind: 'acked'; sent: number; acked: number; declared: number; ackedThrough: number }
  | { kind: 'set_aside'; seqs: number[] }
  | { kind: 'rewound'; from: number; count: number }
  | { kind: 'shrunk'; maxEvents: number };

interface OutboxRow {
  seq: number;
  event_id: string;
  type: string;
  payload: string;
  created_at: string;
  set_aside_at: string | null;
  set_aside_reason: string | null;
}

interface Batch {
  body: string;
  /** seqs sent as real events, ascending */
  events: number[];
  /** seqs declared as set aside, ascending */
  declared: number[];
  first: number;
  last: number;
}

/** A batch read and compressed, ready to send. */
export interface PreparedBatch {
  batch: Batch;
  gz: Buffer;
}

/** Reads the next batch (after seq `after`) straight from the outbox; at most maxEvents rows are ever in memory. */
export function readBatch(store: Store, deviceId: string, limits: BatchLimits, after = 0): Batch | null {
  const evParts: string[] = [];
  const declParts: string[] = [];
  const events: number[] = [];
  const declared: number[] = [];
  let bytes = 0;
  let n = 0;
  let first = 0;
  let last = 0;
  const from = Math.max(after + 1, pushFloor(store));
  const rows = prep(store.db, 'SELECT seq, event_id, type, payload, created_at, set_aside_at, set_aside_reason FROM outbox WHERE seq >= ? AND acked_at IS NULL ORDER BY seq LIMIT ?').iterate(from, limits.maxEvents) as IterableIterator<OutboxRow>;
  for (const r of rows) {
    const part =
      r.set_aside_at === null
        ? JSON.stringify({ seq: r.seq, id: r.event_id, type: r.type, at: r.created_at, payload: r.payload })
        : JSON.stringify({ seq: r.seq, id: r.event_id, reason: (r.set_aside_reason ?? '').slice(0, 1000) });
    const size = Buffer.byteLength(part);
    if (n > 0 && bytes + size > limits.maxBytes) break;
    if (n === 0) first = r.seq;
    last = r.seq;
    bytes += size;
    n++;
    if (r.set_aside_at === null) {
      evParts.push(part);
      events.push(r.seq);
    } else {
      declParts.push(part);
      declared.push(r.seq);
    }
  }
  if (n === 0) return null;
  const body = `{"device":${JSON.stringify(deviceId)},"events":[${evParts.join(',')}],"setAside":[${declParts.join(',')}]}`;
  return { body, events, declared, first, last };
}

export async function prepareBatch(store: Store, deviceId: string, limits: BatchLimits, after = 0): Promise<PreparedBatch | null> {
  const batch = readBatch(store, deviceId, limits, after);
  return batch ? { batch, gz: await gzipAsync(Buffer.from(batch.body, 'utf8')) } : null;
}

/** Contiguous runs of an ascending list: [1,2,3,7,8] → [[1,3],[7,8]]. */
function runs(seqs: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of seqs) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/**
 * Runs fn's transaction without waiting for fsync. Only for acknowledgements:
 * one lost in a power cut means the batch is sent again and deduplicated, and
 * the next ordinary (synchronous=FULL) commit makes it durable anyway, since
 * the WAL is flushed in order.
 */
function withoutFsync<T>(store: Store, fn: () => T): T {
  const level = store.db.pragma('synchronous', { simple: true }) as number;
  if (level <= 1) return fn();
  store.db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    store.db.pragma(`synchronous = ${level}`);
  }
}

/** Marks acknowledged the rows of this batch at or below ackedThrough, in one transaction. */
function markAcked(store: Store, batch: Batch, ackedThrough: number): { events: number; declared: number } {
  const at = isoNow(store);
  let n = 0;
  let d = 0;
  withoutFsync(store, () => store.db.transaction(() => {
    const ev = prep(store.db, 'UPDATE outbox SET acked_at = ? WHERE seq BETWEEN ? AND ? AND acked_at IS NULL AND set_aside_at IS NULL');
    for (const [a, b] of runs(batch.events)) {
      if (a > ackedThrough) break;
      n += ev.run(at, a, Math.min(b, ackedThrough)).changes;
    }
    // A declared row stays set aside; acked_at records that the centre holds its placeholder.
    const decl = prep(store.db, 'UPDATE outbox SET acked_at = ? WHERE seq = ? AND acked_at IS NULL AND set_aside_at IS NOT NULL');
    for (const s of batch.declared) if (s <= ackedThrough) d += decl.run(at, s).changes;
    raisePushFloor(store);
  }).immediate());
  return { events: n, declared: d };
}

/** The centre holds less than this counter thought: resend from `from`. */
function rewind(store: Store, from: number, before: number): number {
  return store.db.transaction(() => {
    const n = prep(store.db, 'UPDATE outbox SET acked_at = NULL WHERE seq >= ? AND seq < ? AND acked_at IS NOT NULL').run(from, before).changes;
    lowerPushFloor(store, from);
    appendAudit(store.db, { at: isoNow(store), clerkId: null, action: 'sync.rewound', entity: 'outbox', entityId: from, payload: { from, to: before - 1, rows: n, reason: 'the central server expects these events again' } });
    return n;
  }).immediate();
}

/** Sets refused events aside with their reasons, audited, in one transaction. */
export function setAside(store: Store, items: { seq: number; reason: string }[], code: string): number[] {
  const at = isoNow(store);
  return store.db.transaction(() => {
    const done: number[] = [];
    const upd = prep(store.db, 'UPDATE outbox SET set_aside_at = ?, set_aside_reason = ? WHERE seq = ? AND acked_at IS NULL AND set_aside_at IS NULL');
    for (const it of items) if (upd.run(at, `${code}: ${it.reason}`.slice(0, 1000), it.seq).changes === 1) done.push(it.seq);
    if (done.length > 0) {
      appendAudit(store.db, { at, clerkId: null, action: 'sync.set_aside', entity: 'outbox', entityId: done.length === 1 ? done[0]! : `${done[0]}…${done[done.length - 1]}`, payload: { code, events: items.filter((i) => done.includes(i.seq)) } });
    }
    return done;
  }).immediate();
}

/**
 * Sends one batch and applies the answer. While the batch is on the way, the
 * following one is read and compressed; it is handed back as `next` only when
 * this batch was taken whole, so the caller can send it without reading again.
 */
export async function pushStep(store: Store, conn: Connection, limits: BatchLimits, prepared: PreparedBatch | null = null): Promise<PushStep & { next?: PreparedBatch | null }> {
  const cur = prepared ?? (await prepareBatch(store, conn.key.deviceId, limits));
  if (!cur) return { kind: 'idle' };
  const batch = cur.batch;
  const sending = exchange({ serverUrl: conn.serverUrl, method: 'POST', path: SYNC_PATHS.push, body: cur.gz, gzip: true, key: conn.key, now: store.now(), timeoutMs: conn.timeoutMs });
  const following = new Promise<void>((r) => setImmediate(r)).then(() => prepareBatch(store, conn.key.deviceId, limits, batch.last)).catch(() => null);
  const answer = await sending;
  const env = answer.envelope;
  if (env.ok) {
    // Only a signed answer may mark anything as delivered.
    if (!answer.verified) throw new AppError('SYNC_BAD_SIGNATURE', 'The central server acknowledged the batch without a valid signature; nothing was marked as sent.');
    const v = PushAnswerSchema.safeParse(env.value);
    if (!v.success) throw new AppError('SYNC_SERVER_ERROR', 'The central server acknowledged the batch in a form this counter does not understand.');
    const acked = markAcked(store, batch, v.data.ackedThrough);
    if (v.data.expected !== undefined && v.data.expected < batch.first) {
      return { kind: 'rewound', from: v.data.expected, count: rewind(store, v.data.expected, batch.first) };
    }
    const step: PushStep & { next?: PreparedBatch | null } = { kind: 'acked', sent: batch.events.length + batch.declared.length, acked: acked.events, declared: acked.declared, ackedThrough: v.data.ackedThrough };
    if (v.data.ackedThrough >= batch.last && v.data.expected === undefined) step.next = await following;
    return step;
  }
  const code = env.error.code;
  if (code === 'SYNC_GAP' && answer.verified) {
    const d = GapDetailsSchema.safeParse(env.error.details);
    if (d.success && d.data.expected < batch.first) return { kind: 'rewound', from: d.data.expected, count: rewind(store, d.data.expected, batch.first) };
  }
  if (code === 'SYNC_MALFORMED' && answer.verified) {
    const d = MalformedDetailsSchema.safeParse(env.error.details);
    const rejected = d.success ? d.data.rejected : [];
    const items: { seq: number; reason: string }[] = [];
    for (const r of rejected) {
      const seq = r.seq ?? batch.events[r.index];
      if (seq !== undefined && batch.events.includes(seq)) items.push({ seq, reason: r.reason });
    }
    // A batch refused as a whole (nothing named) is set aside as a whole: retrying it unchanged would fail forever.
    const list = items.length > 0 ? items : batch.events.map((seq) => ({ seq, reason: env.error.message }));
    return { kind: 'set_aside', seqs: setAside(store, list, code) };
  }
  if (code === 'PAYLOAD_TOO_LARGE') {
    const n = batch.events.length + batch.declared.length;
    if (n > 1) return { kind: 'shrunk', maxEvents: Math.max(1, Math.floor(n / 2)) };
    if (batch.events.length === 1) return { kind: 'set_aside', seqs: setAside(store, [{ seq: batch.events[0]!, reason: env.error.message }], code) };
  }
  throw answerError(answer);
}
