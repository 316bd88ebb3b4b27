/**
 * Security of the counter core: the loopback HTTP transport's launch token,
 * Host and Origin checks; roles checked in the main process on every call;
 * PIN lockout; the idle lock. A real server on 127.0.0.1 and a real store,
 * with the store's clock injected so idle time and lock expiry can pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES, api } from '../../../domain/api.js';
import { createDispatcher, type Dispatcher } from '../../../services/api.js';
import { openCounterStore, type OpenedStore } from '../../../services/store.js';
import { startHttpTransport, type RunningHttp } from '../../../services/transport/http.js';
import { CLERK, SUPERVISOR, count, httpCall, rawRequest, setUpCounter, removeTempDirs, tempDir } from '../../fixtures/counter.js';

const token = 'launch-token-security-0123456789';
const clock = { ms: Date.parse('2026-03-02T08:00:00.000Z') };
let store: OpenedStore;
let dispatcher: Dispatcher;
let server: RunningHttp;

async function signIn(who: { personalNo: string; pin: string }): Promise<string> {
  const r = await dispatcher.call('auth.signIn', { personalNo: who.personalNo, pin: who.pin }, null);
  if (!r.ok) throw new Error(`sign-in of ${who.personalNo} failed: ${r.error.code}`);
  return (r.value as { sessionToken: string }).sessionToken;
}

function clerkId(personalNo: string): number {
  return (store.db.prepare('SELECT id FROM clerks WHERE personal_no = ?').get(personalNo) as { id: number }).id;
}

beforeAll(async () => {
  store = openCounterStore(tempDir('sec'), { now: () => new Date(clock.ms) });
  setUpCounter(store);
  dispatcher = createDispatcher(store);
  server = await startHttpTransport({ dispatcher, token, port: 0 });
});

afterAll(async () => {
  await server?.close();
  store?.close();
  removeTempDirs();
});

const api_ = (path: string) => `/api/${path}`;

describe('the HTTP transport', () => {
  it('answers 401 TOKEN_REQUIRED without the launch token, with a wrong one, and with a wrong scheme', async () => {
    const host = `127.0.0.1:${server.port}`;
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, token, 'Bearer ']) {
      const r = await rawRequest(server.port, { path: api_('system.info'), headers: { host, 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) }, body: '{}' });
      expect(r.status, String(authorization)).toBe(401);
      expect(JSON.parse(r.text)).toEqual({ ok: false, error: { code: 'TOKEN_REQUIRED', message: expect.any(String) } });
    }
    // fetch, the way the renderer calls, without the header.
    const res = await fetch(`${server.url}/api/system.info`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it('answers 403 ORIGIN_FORBIDDEN for a foreign Origin, a null Origin and a foreign Host, before looking at the token', async () => {
    const good = { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}` };
    const cases: Record<string, string>[] = [
      { ...good, origin: 'https://evil.example' },
      { ...good, origin: `http://127.0.0.1:${server.port + 1}` },
      { ...good, origin: 'null' },
      { ...good, origin: `http://127.0.0.1.evil.example:${server.port}` },
      { ...good, host: 'evil.example' },
      { ...good, host: `evil.example:${server.port}` },
      // DNS rebinding: the attacker's name resolves to 127.0.0.1, but the Host header still carries the name.
      { ...good, host: `rebind.evil.example:${server.port}` },
      { ...good, host: `127.0.0.1:${server.port + 1}` },
      { ...good, host: `0.0.0.0:${server.port}` },
      { host: 'evil.example', origin: 'https://evil.example' },
    ];
    for (const headers of cases) {
      const r = await rawRequest(server.port, { path: api_('system.info'), headers, body: '{}' });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(r.text).error.code).toBe('ORIGIN_FORBIDDEN');
    }
  });

  it('serves its own origin and the localhost name with the right token (the control case)', async () => {
    const controls: Record<string, string>[] = [
      { host: `127.0.0.1:${server.port}`, origin: `http://127.0.0.1:${server.port}` },
      { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` },
      { host: `127.0.0.1:${server.port}` },
    ];
    for (const headers of controls) {
      const r = await rawRequest(server.port, { path: api_('system.info'), headers: { ...headers, authorization: `Bearer ${token}` }, body: '{}' });
      expect(r.status, JSON.stringify(headers)).toBe(200);
      expect(JSON.parse(r.text)).toMatchObject({ ok: true, value: { setUp: true } });
    }
  });

  it('refuses every clerk and supervisor method without a signed-in session: UNAUTHENTICATED', async () => {
    for (const method of METHOD_NAMES.filter((m) => api[m].role !== 'public')) {
      for (const session of [null, 'not-a-session', 'x'.repeat(201)]) {
        const viaIpc = await dispatcher.call(method, undefined, session);
        // An empty input may itself be invalid; the session is only checked for valid input.
        if (!viaIpc.ok && viaIpc.error.code === 'VALIDATION_FAILED') continue;
        expect(viaIpc, `${method} with session ${String(session).slice(0, 20)}`).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });
      }
    }
    const r = await httpCall(server.url, token, 'till.status', {});
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });
  });
});

describe('roles', () => {
  it('gives a clerk FORBIDDEN for supervisor methods, on both transports, and writes nothing', async () => {
    const clerk = await signIn(CLERK);
    const clerks = count(store.db, 'SELECT COUNT(*) AS n FROM clerks');
    const calls: [string, unknown][] = [
      ['clerks.create', { personalNo: '3003', name: 'Уљез', role: 'supervisor', pin: '9999' }],
      ['system.verify', {}],
      ['clerks.list', {}],
      ['clerks.unlock', { clerkId: 1 }],
      ['clerks.resetPin', { clerkId: 1, pin: '0000' }],
      ['settings.set', { key: 'idle_lock_seconds', value: '0' }],
      ['till.list', { businessDay: '2026-03-02' }],
    ];
    for (const [method, input] of calls) {
      expect(api[method as keyof typeof api].role, method).toBe('supervisor');
      const viaIpc = await dispatcher.call(method, input, clerk);
      expect(viaIpc, method).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
      const viaHttp = await httpCall(server.url, token, method, input, clerk);
      expect(viaHttp.status, method).toBe(403);
      expect(viaHttp.body, method).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    }
    expect(count(store.db, 'SELECT COUNT(*) AS n FROM clerks')).toBe(clerks);
    // Every supervisor method of the contract is refused to a clerk, whatever is added later.
    for (const method of METHOD_NAMES.filter((m) => api[m].role === 'supervisor')) {
      const r = await dispatcher.call(method, {}, clerk);
      if (!r.ok && r.error.code === 'VALIDATION_FAILED') continue;
      expect(r, method).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    }
    // The supervisor may.
    const sup = await signIn(SUPERVISOR);
    expect((await dispatcher.call('system.verify', {}, sup)).ok).toBe(true);
  });
});

describe('PIN lockout', () => {
  it('locks the clerk after 5 wrong PINs, audits it, refuses the right PIN, and a supervisor unlock lifts it', async () => {
    const id = clerkId(CLERK.personalNo);
    const auditsBefore = count(store.db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'clerk.locked_out' AND entity_id = ?", String(id));
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await httpCall(server.url, token, 'auth.signIn', { personalNo: CLERK.personalNo, pin: '0000' });
      codes.push(r.body.ok ? 'OK' : r.body.error.code);
    }
    expect(codes).toEqual(['BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'BAD_CREDENTIALS', 'CLERK_LOCKED']);

    const right = await httpCall(server.url, token, 'auth.signIn', { personalNo: CLERK.personalNo, pin: CLERK.pin });
    expect(right.status).toBe(423);
    expect(right.body).toEqual({ ok: false, error: expect.objectContaining({ code: 'CLERK_LOCKED' }) });

    const audit = store.db.prepare("SELECT clerk_id, payload FROM audit_log WHERE action = 'clerk.locked_out' AND entity_id = ? ORDER BY id DESC").get(String(id)) as { clerk_id: number; payload: string };
    expect(count(store.db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'clerk.locked_out' AND entity_id = ?", String(id))).toBe(auditsBefore + 1);
    expect(audit.clerk_id).toBe(id);
    expect(JSON.parse(audit.payload)).toMatchObject({ attempts: 5 });
    const failed = count(store.db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.sign_in_failed' AND entity_id = ?", String(id));
    expect(failed).toBeGreaterThanOrEqual(4);

    const sup = await signIn(SUPERVISOR);
    const unlocked = await httpCall(server.url, token, 'clerks.unlock', { clerkId: id }, sup);
    expect(unlocked.body).toMatchObject({ ok: true, value: { id, lockedUntil: null } });
    expect(count(store.db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'clerk.unlocked' AND entity_id = ?", String(id))).toBe(1);
    const after = await httpCall(server.url, token, 'auth.signIn', { personalNo: CLERK.personalNo, pin: CLERK.pin });
    expect(after.body).toMatchObject({ ok: true, value: { clerk: { personalNo: CLERK.personalNo } } });
  });

  it('lifts the lock by itself once pin_lock_seconds have passed', async () => {
    for (let i = 0; i < 5; i++) await dispatcher.call('auth.signIn', { personalNo: CLERK.personalNo, pin: '9876' }, null);
    expect(await dispatcher.call('auth.signIn', { personalNo: CLERK.personalNo, pin: CLERK.pin }, null)).toMatchObject({ ok: false, error: { code: 'CLERK_LOCKED' } });
    clock.ms += 299_000;
    expect(await dispatcher.call('auth.signIn', { personalNo: CLERK.personalNo, pin: CLERK.pin }, null)).toMatchObject({ ok: false, error: { code: 'CLERK_LOCKED' } });
    clock.ms += 2_000;
    expect(await dispatcher.call('auth.signIn', { personalNo: CLERK.personalNo, pin: CLERK.pin }, null)).toMatchObject({ ok: true });
  });
});

describe('idle lock', () => {
  it('locks a session idle longer than idle_lock_seconds; only auth.unlock with the right PIN resumes it', async () => {
    const sup = await signIn(SUPERVISOR);
    expect((await httpCall(server.url, token, 'settings.set', { key: 'idle_lock_seconds', value: '60' }, sup)).body.ok).toBe(true);
    const clerk = await signIn(CLERK);
    expect((await httpCall(server.url, token, 'till.status', {}, clerk)).body).toEqual({ ok: true, value: null });

    // Activity within the idle time keeps the session open.
    clock.ms += 59_000;
    expect((await httpCall(server.url, token, 'till.status', {}, clerk)).body.ok).toBe(true);
    clock.ms += 59_000;
    expect((await httpCall(server.url, token, 'till.status', {}, clerk)).body.ok).toBe(true);

    clock.ms += 61_000;
    const locked = await httpCall(server.url, token, 'till.status', {}, clerk);
    expect(locked.status).toBe(423);
    expect(locked.body).toEqual({ ok: false, error: expect.objectContaining({ code: 'SESSION_LOCKED' }) });
    expect(count(store.db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.session_locked' AND entity_id = ?", String(clerkId(CLERK.personalNo)))).toBeGreaterThanOrEqual(1);
    // Locked means locked for everything but unlock, sign-out and "who am I", on both transports.
    expect(await dispatcher.call('counter.quote', { items: [{ kind: 'postal_fee', tariffCode: 'FORM', quantity: 1 }] }, clerk)).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect(await dispatcher.call('auth.me', {}, clerk)).toMatchObject({ ok: true, value: { clerk: { personalNo: CLERK.personalNo }, till: null } });

    // Another clerk's PIN, or a wrong one, does not unlock it.
    expect((await httpCall(server.url, token, 'auth.unlock', { pin: SUPERVISOR.pin }, clerk)).body).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    expect((await httpCall(server.url, token, 'till.status', {}, clerk)).body).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });

    const unlocked = await httpCall(server.url, token, 'auth.unlock', { pin: CLERK.pin }, clerk);
    expect(unlocked.body).toEqual({ ok: true, value: { unlocked: true } });
    expect((await httpCall(server.url, token, 'till.status', {}, clerk)).body).toEqual({ ok: true, value: null });
  });

  it('locks at once on auth.lock and ends the session on sign-out', async () => {
    const clerk = await signIn(CLERK);
    expect((await dispatcher.call('auth.lock', {}, clerk)).ok).toBe(true);
    expect(await dispatcher.call('till.status', {}, clerk)).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect((await dispatcher.call('auth.unlock', { pin: CLERK.pin }, clerk)).ok).toBe(true);
    expect((await dispatcher.call('auth.signOut', {}, clerk)).ok).toBe(true);
    expect(await dispatcher.call('till.status', {}, clerk)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await dispatcher.call('auth.unlock', { pin: CLERK.pin }, clerk)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });
});
