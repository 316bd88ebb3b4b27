/**
 * The audit chain. Each row's hash covers the previous row's hash and the
 * row's own canonical text, so editing, inserting or deleting any row breaks
 * every hash after it; verify walks the chain and names the first bad row.
 */
import { createHash } from 'node:crypto';
import type { Db } from './open.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  at: string;
  clerkId: number | null;
  action: string;
  entity?: string | null;
  entityId?: string | number | null;
  payload: unknown;
}

/** JSON with object keys sorted, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const val = (v as Record<string, unknown>)[k];
      if (val !== undefined) out[k] = sortKeys(val);
    }
    return out;
  }
  return v;
}

export function auditRowText(row: { id: number; at: string; clerk_id: number | null; action: string; entity: string | null; entity_id: string | null; payload: string }): string {
  return [row.id, row.at, row.clerk_id ?? '', row.action, row.entity ?? '', row.entity_id ?? '', row.payload].join('\u001f');
}

export function chainHash(prevHash: string, text: string): string {
  return createHash('sha256').update(prevHash).update('\u001e').update(text).digest('hex');
}

const stmts = new WeakMap<Db, { last: import('better-sqlite3').Statement; insert: import('better-sqlite3').Statement }>();

function prepared(db: Db) {
  let s = stmts.get(db);
  if (!s) {
    s = {
      last: db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO audit_log (id, at, clerk_id, action, entity, entity_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    };
    stmts.set(db, s);
  }
  return s;
}

/** Appends one audit row. Call inside the transaction that makes the change. */
export function appendAudit(db: Db, e: AuditEntry): { id: number; hash: string } {
  const s = prepared(db);
  const last = s.last.get() as { id: number; hash: string } | undefined;
  const id = (last?.id ?? 0) + 1;
  const prev = last?.hash ?? GENESIS_HASH;
  const row = {
    id,
    at: e.at,
    clerk_id: e.clerkId,
    action: e.action,
    entity: e.entity ?? null,
    entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
    payload: canonicalJson(e.payload ?? {}),
  };
  const hash = chainHash(prev, auditRowText(row));
  s.insert.run(row.id, row.at, row.clerk_id, row.action, row.entity, row.entity_id, row.payload, prev, hash);
  return { id, hash };
}

export interface AuditChainFault {
  id: number;
  problem: string;
}

/** Walks the chain in id order; returns the first fault or null. */
export function verifyAuditChain(db: Db): { rows: number; fault: AuditChainFault | null } {
  let prev = GENESIS_HASH;
  let expectedId = 1;
  let rows = 0;
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<{ id: number; at: string; clerk_id: number | null; action: string; entity: string | null; entity_id: string | null; payload: string; prev_hash: string; hash: string }>) {
    rows++;
    if (r.id !== expectedId) return { rows, fault: { id: r.id, problem: `audit row ${expectedId} is missing (next row is ${r.id})` } };
    if (r.prev_hash !== prev) return { rows, fault: { id: r.id, problem: `audit row ${r.id} does not follow the previous row's hash` } };
    const h = chainHash(prev, auditRowText(r));
    if (h !== r.hash) return { rows, fault: { id: r.id, problem: `audit row ${r.id} was changed after it was written (hash mismatch)` } };
    prev = r.hash;
    expectedId++;
  }
  return { rows, fault: null };
}
