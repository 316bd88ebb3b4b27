/** The counter's sync bookkeeping in sync_state, and the sync settings with their defaults. */
import { prep } from '../../db/prepared.js';
import { DEFAULT_BATCH_MAX_BYTES, DEFAULT_BATCH_MAX_EVENTS, MAX_BATCH_EVENTS } from '../../domain/sync.js';
import { getSettingNumber, type Store } from '../store.js';

export type SyncStateKey = 'server_url' | 'device_id' | 'enrolled_at' | 'pull_cursor' | 'push_floor' | 'last_success_at' | 'last_attempt_at' | 'last_error' | 'pull_problem';

export function getState(store: Store, key: SyncStateKey): string | null {
  const r = prep(store.db, 'SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined;
  return r?.value ?? null;
}

export function setState(store: Store, key: SyncStateKey, value: string): void {
  prep(store.db, 'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function clearState(store: Store, key: SyncStateKey): void {
  prep(store.db, 'DELETE FROM sync_state WHERE key = ?').run(key);
}

export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
}

/** settings sync_batch_max_events / sync_batch_max_bytes, clamped to what the server accepts. */
export function batchLimits(store: Store): BatchLimits {
  const maxEvents = Math.trunc(getSettingNumber(store, 'sync_batch_max_events', DEFAULT_BATCH_MAX_EVENTS));
  const maxBytes = Math.trunc(getSettingNumber(store, 'sync_batch_max_bytes', DEFAULT_BATCH_MAX_BYTES));
  return {
    maxEvents: Math.min(Math.max(maxEvents, 1), MAX_BATCH_EVENTS),
    maxBytes: Math.min(Math.max(maxBytes, 1024), 16 * 1024 * 1024),
  };
}

export function syncIntervalMs(store: Store): number {
  return Math.max(5, getSettingNumber(store, 'sync_interval_seconds', 60)) * 1000;
}

/**
 * The push floor: every outbox row below it is acknowledged (or declared set
 * aside). Reads start there, by seq, so they never walk the acknowledged
 * history and the outbox needs no index that each checkout would pay for.
 * Whatever un-acknowledges a row (a rewind, a supervisor's resend) lowers the
 * floor in the same transaction.
 */
export function pushFloor(store: Store): number {
  return Number(getState(store, 'push_floor') ?? '0');
}

/** After acknowledging: move the floor up to the first row still unacknowledged. Call inside the ack transaction. */
export function raisePushFloor(store: Store): void {
  const floor = pushFloor(store);
  const next = prep(store.db, 'SELECT seq FROM outbox WHERE seq >= ? AND acked_at IS NULL ORDER BY seq LIMIT 1').get(floor) as { seq: number } | undefined;
  const top = next ? next.seq : ((prep(store.db, 'SELECT COALESCE(MAX(seq), 0) AS m FROM outbox').get() as { m: number }).m + 1);
  if (top > floor) setState(store, 'push_floor', String(top));
}

/** Call inside the transaction that un-acknowledges seq. */
export function lowerPushFloor(store: Store, seq: number): void {
  if (seq < pushFloor(store)) setState(store, 'push_floor', String(seq));
}

/** Events not yet acknowledged by the centre and not set aside. */
export function pendingEvents(store: Store): number {
  return (prep(store.db, 'SELECT COUNT(*) AS n FROM outbox WHERE seq >= ? AND acked_at IS NULL AND set_aside_at IS NULL').get(pushFloor(store)) as { n: number }).n;
}

export function setAsideEvents(store: Store): number {
  return (prep(store.db, 'SELECT COUNT(*) AS n FROM outbox WHERE set_aside_at IS NOT NULL').get() as { n: number }).n;
}
