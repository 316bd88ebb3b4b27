/**
 * Clerks and sessions: personal number + PIN (scrypt), lockout after repeated
 * wrong PINs, sessions that lock after an idle time, and roles checked here
 * in the main process on every call.
 */
import { prep } from '../db/prepared.js';
import { randomBytes, scryptSync, timingSafeEqual, createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { ClerkView, Role } from '../domain/api.js';
import { appendAudit } from '../db/audit.js';
import { type Store, inTransaction, isoNow, getSettingNumber } from './store.js';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function checkPin(pin: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, 'base64');
  const actual = scryptSync(pin, Buffer.from(saltB64, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// A fixed hash to spend the same time on unknown personal numbers.
const DUMMY_HASH = hashPin('00000000');

interface ClerkRow {
  id: number;
  personal_no: string;
  name: string;
  role: 'clerk' | 'supervisor';
  pin_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  active: number;
}

export function clerkView(r: ClerkRow): ClerkView {
  return { id: r.id, personalNo: r.personal_no, name: r.name, role: r.role, active: r.active === 1, lockedUntil: r.locked_until };
}

export function getClerk(store: Store, id: number): ClerkRow {
  const row = prep(store.db, 'SELECT * FROM clerks WHERE id = ?').get(id) as ClerkRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `No clerk with id ${id}`);
  return row;
}

export function createClerk(store: Store, actorId: number | null, input: { personalNo: string; name: string; role: 'clerk' | 'supervisor'; pin: string }): ClerkView {
  const pinHash = hashPin(input.pin);
  return inTransaction(store, () => {
    const exists = prep(store.db, 'SELECT 1 FROM clerks WHERE personal_no = ?').get(input.personalNo);
    if (exists) throw new AppError('DUPLICATE_PERSONAL_NO', `A clerk with personal number ${input.personalNo} already exists`, { field: 'personalNo' });
    const at = isoNow(store);
    const r = prep(store.db, 'INSERT INTO clerks (personal_no, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(input.personalNo, input.name, input.role, pinHash, at);
    const id = Number(r.lastInsertRowid);
    appendAudit(store.db, { at, clerkId: actorId, action: 'clerk.created', entity: 'clerk', entityId: id, payload: { personalNo: input.personalNo, name: input.name, role: input.role } });
    return clerkView(getClerk(store, id));
  });
}

export function listClerks(store: Store): ClerkView[] {
  return (prep(store.db, 'SELECT * FROM clerks ORDER BY name, id').all() as ClerkRow[]).map(clerkView);
}

export function setClerkActive(store: Store, actorId: number, clerkId: number, active: boolean): ClerkView {
  return inTransaction(store, () => {
    getClerk(store, clerkId);
    if (!active && clerkId === actorId) throw new AppError('FORBIDDEN', 'A supervisor cannot deactivate their own account');
    prep(store.db, 'UPDATE clerks SET active = ? WHERE id = ?').run(active ? 1 : 0, clerkId);
    if (!active) prep(store.db, 'UPDATE sessions SET ended_at = ? WHERE clerk_id = ? AND ended_at IS NULL').run(isoNow(store), clerkId);
    appendAudit(store.db, { at: isoNow(store), clerkId: actorId, action: active ? 'clerk.activated' : 'clerk.deactivated', entity: 'clerk', entityId: clerkId, payload: {} });
    return clerkView(getClerk(store, clerkId));
  });
}

export function unlockClerk(store: Store, actorId: number, clerkId: number): ClerkView {
  return inTransaction(store, () => {
    getClerk(store, clerkId);
    prep(store.db, 'UPDATE clerks SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(clerkId);
    appendAudit(store.db, { at: isoNow(store), clerkId: actorId, action: 'clerk.unlocked', entity: 'clerk', entityId: clerkId, payload: {} });
    return clerkView(getClerk(store, clerkId));
  });
}

export function resetPin(store: Store, actorId: number, clerkId: number, pin: string): ClerkView {
  const pinHash = hashPin(pin);
  return inTransaction(store, () => {
    getClerk(store, clerkId);
    prep(store.db, 'UPDATE clerks SET pin_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?').run(pinHash, clerkId);
    appendAudit(store.db, { at: isoNow(store), clerkId: actorId, action: 'clerk.pin_reset', entity: 'clerk', entityId: clerkId, payload: {} });
    return clerkView(getClerk(store, clerkId));
  });
}

// ---- sessions ----------------------------------------------------------

export interface Session {
  tokenHash: string;
  clerk: ClerkView;
  locked: boolean;
}

function tokenHashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Last activity per session, kept in memory so that reads do not write. */
const lastSeen = new WeakMap<Store['db'], Map<string, number>>();

function seenMap(store: Store): Map<string, number> {
  let m = lastSeen.get(store.db);
  if (!m) {
    m = new Map();
    lastSeen.set(store.db, m);
  }
  return m;
}

/**
 * Checks the PIN against the clerk's hash, counting failures; the attempt
 * that reaches the limit locks the clerk and is audited. Returns the clerk.
 */
function checkCredentials(store: Store, personalNo: string, pin: string, action: 'sign_in' | 'unlock'): ClerkRow {
  const row = prep(store.db, 'SELECT * FROM clerks WHERE personal_no = ?').get(personalNo) as ClerkRow | undefined;
  const at = isoNow(store);
  if (!row) {
    checkPin(pin, DUMMY_HASH);
    inTransaction(store, () => appendAudit(store.db, { at, clerkId: null, action: `auth.${action}_failed`, entity: 'clerk', entityId: null, payload: { reason: 'unknown personal number' } }));
    throw new AppError('BAD_CREDENTIALS', 'Personal number or PIN is wrong');
  }
  if (row.locked_until && Date.parse(row.locked_until) > store.now().getTime()) {
    throw new AppError('CLERK_LOCKED', `Too many wrong PINs: this clerk is locked until ${row.locked_until}. A supervisor can unlock earlier.`, { details: { lockedUntil: row.locked_until } });
  }
  if (row.active !== 1) throw new AppError('CLERK_INACTIVE', 'This clerk account is deactivated');
  if (!checkPin(pin, row.pin_hash)) {
    const max = getSettingNumber(store, 'pin_max_attempts', 5);
    const lockSeconds = getSettingNumber(store, 'pin_lock_seconds', 300);
    const locked = inTransaction(store, () => {
      const fresh = getClerk(store, row.id);
      const attempts = fresh.failed_attempts + 1;
      if (attempts >= max) {
        const until = new Date(store.now().getTime() + lockSeconds * 1000).toISOString();
        prep(store.db, 'UPDATE clerks SET failed_attempts = 0, locked_until = ? WHERE id = ?').run(until, row.id);
        appendAudit(store.db, { at, clerkId: row.id, action: 'clerk.locked_out', entity: 'clerk', entityId: row.id, payload: { attempts, until } });
        return until;
      }
      prep(store.db, 'UPDATE clerks SET failed_attempts = ? WHERE id = ?').run(attempts, row.id);
      appendAudit(store.db, { at, clerkId: row.id, action: `auth.${action}_failed`, entity: 'clerk', entityId: row.id, payload: { attempts } });
      return null;
    });
    if (locked) throw new AppError('CLERK_LOCKED', `Too many wrong PINs: this clerk is locked until ${locked}. A supervisor can unlock earlier.`, { details: { lockedUntil: locked } });
    throw new AppError('BAD_CREDENTIALS', 'Personal number or PIN is wrong');
  }
  return row;
}

export function signIn(store: Store, personalNo: string, pin: string): { sessionToken: string; clerk: ClerkView; idleLockSeconds: number } {
  const row = checkCredentials(store, personalNo, pin, 'sign_in');
  const token = randomBytes(32).toString('base64url');
  const hash = tokenHashOf(token);
  const at = isoNow(store);
  inTransaction(store, () => {
    prep(store.db, 'UPDATE clerks SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(row.id);
    prep(store.db, 'INSERT INTO sessions (token_hash, clerk_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)').run(hash, row.id, at, at);
    appendAudit(store.db, { at, clerkId: row.id, action: 'auth.signed_in', entity: 'clerk', entityId: row.id, payload: {} });
  });
  seenMap(store).set(hash, store.now().getTime());
  return { sessionToken: token, clerk: clerkView(getClerk(store, row.id)), idleLockSeconds: getSettingNumber(store, 'idle_lock_seconds', 300) };
}

/**
 * Resolves a session token. A session idle longer than idle_lock_seconds
 * becomes locked; a locked session may only unlock, sign out or ask who it is.
 */
export function resolveSession(store: Store, token: string | null | undefined, opts: { allowLocked?: boolean; touch?: boolean } = {}): Session {
  if (!token || token.length > 200) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  const hash = tokenHashOf(token);
  const row = prep(store.db, 'SELECT s.token_hash, s.locked, s.ended_at, s.last_seen_at, s.created_at, c.* FROM sessions s JOIN clerks c ON c.id = s.clerk_id WHERE s.token_hash = ?')
    .get(hash) as (ClerkRow & { token_hash: string; locked: number; ended_at: string | null; last_seen_at: string; created_at: string }) | undefined;
  if (!row || row.ended_at) throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
  if (row.active !== 1) throw new AppError('CLERK_INACTIVE', 'This clerk account is deactivated');
  const maxHours = getSettingNumber(store, 'session_max_hours', 14);
  const nowMs = store.now().getTime();
  if (nowMs - Date.parse(row.created_at) > maxHours * 3600_000) {
    endSession(store, hash, row.id, 'auth.session_expired');
    throw new AppError('UNAUTHENTICATED', 'The session is older than the longest shift; sign in again');
  }
  const seen = seenMap(store);
  const last = seen.get(hash) ?? Date.parse(row.last_seen_at);
  const idle = getSettingNumber(store, 'idle_lock_seconds', 300);
  let locked = row.locked === 1;
  if (!locked && idle > 0 && nowMs - last > idle * 1000) {
    lockSession(store, hash, row.id, 'idle');
    locked = true;
  }
  if (locked && !opts.allowLocked) throw new AppError('SESSION_LOCKED', 'The screen is locked; enter your PIN to continue');
  if (!locked && opts.touch !== false) seen.set(hash, nowMs);
  return { tokenHash: hash, clerk: clerkView(row), locked };
}

function lockSession(store: Store, hash: string, clerkId: number, why: 'idle' | 'manual'): void {
  inTransaction(store, () => {
    prep(store.db, 'UPDATE sessions SET locked = 1 WHERE token_hash = ?').run(hash);
    appendAudit(store.db, { at: isoNow(store), clerkId, action: 'auth.session_locked', entity: 'clerk', entityId: clerkId, payload: { why } });
  });
}

function endSession(store: Store, hash: string, clerkId: number, action: string): void {
  inTransaction(store, () => {
    prep(store.db, 'UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL').run(isoNow(store), hash);
    appendAudit(store.db, { at: isoNow(store), clerkId, action, entity: 'clerk', entityId: clerkId, payload: {} });
  });
  seenMap(store).delete(hash);
}

export function lock(store: Store, session: Session): void {
  if (!session.locked) lockSession(store, session.tokenHash, session.clerk.id, 'manual');
}

export function unlock(store: Store, session: Session, pin: string): void {
  checkCredentials(store, session.clerk.personalNo, pin, 'unlock');
  const at = isoNow(store);
  inTransaction(store, () => {
    prep(store.db, 'UPDATE clerks SET failed_attempts = 0 WHERE id = ?').run(session.clerk.id);
    prep(store.db, 'UPDATE sessions SET locked = 0, last_seen_at = ? WHERE token_hash = ?').run(at, session.tokenHash);
    appendAudit(store.db, { at, clerkId: session.clerk.id, action: 'auth.session_unlocked', entity: 'clerk', entityId: session.clerk.id, payload: {} });
  });
  seenMap(store).set(session.tokenHash, store.now().getTime());
}

export function signOut(store: Store, session: Session): void {
  endSession(store, session.tokenHash, session.clerk.id, 'auth.signed_out');
}

const RANK: Record<Role, number> = { public: 0, clerk: 1, supervisor: 2 };

export function requireRole(session: Session, role: Role): void {
  if (RANK[session.clerk.role] < RANK[role]) {
    throw new AppError('FORBIDDEN', `This needs the ${role} role`);
  }
}
