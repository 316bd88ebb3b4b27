/** Look-ups for the screens: set-aside events for the supervisor, and request states reported by the centre. */
import type { SetAsideView } from '../../domain/api.js';
import { appendAudit } from '../../db/audit.js';
import { prep } from '../../db/prepared.js';
import { AppError } from '../../domain/errors.js';
import type { StatusEntity } from '../../domain/sync.js';
import { isoNow, type Store } from '../store.js';
import { lowerPushFloor } from './state.js';

export type SetAsideEvent = SetAsideView;

/** Events refused by the centre, oldest first. Payloads are not listed: they may hold personal data. */
export function listSetAside(store: Store): SetAsideEvent[] {
  const rows = prep(store.db, 'SELECT seq, event_id, type, created_at, set_aside_at, set_aside_reason, acked_at FROM outbox WHERE set_aside_at IS NOT NULL ORDER BY seq').all() as {
    seq: number;
    event_id: string;
    type: string;
    created_at: string;
    set_aside_at: string;
    set_aside_reason: string | null;
    acked_at: string | null;
  }[];
  return rows.map((r) => ({ seq: r.seq, eventId: r.event_id, type: r.type, createdAt: r.created_at, setAsideAt: r.set_aside_at, reason: r.set_aside_reason ?? '', declared: r.acked_at !== null }));
}

/**
 * A supervisor sends a set-aside event again (e.g. after the centre was
 * upgraded to accept it). It becomes pending; the next push sends it and the
 * centre replaces its placeholder. Refused again, it is set aside again —
 * never lost. Audited with the supervisor's id.
 */
export function retrySetAside(store: Store, seq: number, opts: { clerkId?: number | null } = {}): SetAsideEvent {
  return store.db.transaction(() => {
    const before = listSetAside(store).find((e) => e.seq === seq);
    if (!before) throw new AppError('NOT_FOUND', `Event ${seq} is not set aside.`, { field: 'seq' });
    prep(store.db, 'UPDATE outbox SET set_aside_at = NULL, set_aside_reason = NULL, acked_at = NULL WHERE seq = ? AND set_aside_at IS NOT NULL').run(seq);
    lowerPushFloor(store, seq);
    appendAudit(store.db, { at: isoNow(store), clerkId: opts.clerkId ?? null, action: 'sync.set_aside.retry', entity: 'outbox', entityId: seq, payload: { seq, eventId: before.eventId, type: before.type, reason: before.reason } });
    return before;
  }).immediate();
}

/** Resends every set-aside event (after the centre was fixed for a whole class of refusals). One audit row. */
export function retryAllSetAside(store: Store, opts: { clerkId?: number | null } = {}): { count: number } {
  return store.db.transaction(() => {
    const first = prep(store.db, 'SELECT MIN(seq) AS s, COUNT(*) AS n FROM outbox WHERE set_aside_at IS NOT NULL').get() as { s: number | null; n: number };
    if (first.s === null) return { count: 0 };
    prep(store.db, 'UPDATE outbox SET set_aside_at = NULL, set_aside_reason = NULL, acked_at = NULL WHERE set_aside_at IS NOT NULL').run();
    lowerPushFloor(store, first.s);
    appendAudit(store.db, { at: isoNow(store), clerkId: opts.clerkId ?? null, action: 'sync.set_aside.retry', entity: 'outbox', entityId: 'all', payload: { count: first.n, fromSeq: first.s } });
    return { count: first.n };
  }).immediate();
}

export interface RequestStatus {
  entity: StatusEntity;
  ref: string;
  status: string;
  /** When the centre says the state was reached. */
  at: string;
  /** When this counter learnt it. */
  receivedAt: string;
}

/** The latest state the centre reported for a telegram or eID request, or null when none arrived yet. */
export function getStatus(store: Store, entity: StatusEntity, ref: string): RequestStatus | null {
  const r = prep(store.db, 'SELECT entity, ref, status, at, received_at FROM sync_status_updates WHERE entity = ? AND ref = ?').get(entity, ref) as
    | { entity: StatusEntity; ref: string; status: string; at: string; received_at: string }
    | undefined;
  return r ? { entity: r.entity, ref: r.ref, status: r.status, at: r.at, receivedAt: r.received_at } : null;
}
