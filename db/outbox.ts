/**
 * The outbox: every business event gets the next per-device sequence number
 * in the same transaction as the change it reports. AUTOINCREMENT never
 * reuses a number, and a rolled-back transaction rolls back its number too,
 * so the committed sequence has no gaps.
 */
import type { Db } from './open.js';
import { uuidv7 } from '../domain/uuid7.js';
import { canonicalJson } from './audit.js';

export interface OutboxEvent {
  seq: number;
  eventId: string;
  type: string;
  payload: unknown;
  createdAt: string;
}

const insertStmts = new WeakMap<Db, import('better-sqlite3').Statement>();

/** Appends an event. Call inside the transaction that makes the change. */
export function appendOutbox(db: Db, type: string, payload: unknown, at: string): { seq: number; eventId: string } {
  let stmt = insertStmts.get(db);
  if (!stmt) {
    stmt = db.prepare('INSERT INTO outbox (event_id, type, payload, created_at) VALUES (?, ?, ?, ?)');
    insertStmts.set(db, stmt);
  }
  const eventId = uuidv7(Date.parse(at));
  const r = stmt.run(eventId, type, canonicalJson(payload), at);
  return { seq: Number(r.lastInsertRowid), eventId };
}

export function pendingCount(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL AND set_aside_at IS NULL').get() as { n: number }).n;
}
