/**
 * The protocol's less travelled paths, on a real server and real SQLite
 * files: poison events set aside and later resent, a centre restored from a
 * backup, a counter restored from a backup, batches too large for the server,
 * re-enrollment, and the agent's status for the status bar.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendOutbox } from '../../../db/outbox.js';
import { createEnrollmentCode } from '../../../server/admin.js';
import { startSyncServer, type RunningSyncServer } from '../../../server/app.js';
import { CENTRAL_DB_FILE, SqliteCentralStorage } from '../../../server/storage-sqlite.js';
import type { CentralStorage } from '../../../server/storage.js';
import { SyncAgent, enrollDevice, getSyncStatus, listSetAside, retryAllSetAside, retrySetAside, runSyncCycle, syncNow, type SyncStatus } from '../../../services/sync/index.js';
import { openCounterStore } from '../../../services/store.js';
import { readBatch } from '../../../services/sync/push.js';
import { announcePgSkip, describeEachBackend, dropPlace, newPlace, openPlace, tempDir, type CentralPlace } from './helpers/central.js';
import { enrollCounter, localEvents, openCounter, removeCounter, seedEvents, unackedCount } from './helpers/counter.js';
import { FaultProxy, NO_FAULTS } from './helpers/fault-proxy.js';

announcePgSkip();

function auditActions(store: { db: import('better-sqlite3').Database }): string[] {
  return (store.db.prepare('SELECT action FROM audit_log ORDER BY id').all() as { action: string }[]).map((r) => r.action);
}

describeEachBackend('set-aside events', (backend) => {
  let place: CentralPlace;
  let storage: CentralStorage;
  let server: RunningSyncServer;
  beforeAll(async () => {
    place = newPlace(backend, 'setaside');
    storage = await openPlace(place);
    server = await startSyncServer({ storage, maxEventPayloadBytes: 2000 });
  });
  afterAll(async () => {
    await server.close();
    await storage.close();
    await dropPlace(place);
  });

  it('sets a refused event aside with its reason, lets the rest through, and a supervisor resends it later', async () => {
    const store = openCounter({ counter: '41' });
    try {
      const deviceId = await enrollCounter(store, storage, server.url);
      seedEvents(store, 20);
      const at = new Date().toISOString();
      const big = store.db.transaction(() => appendOutbox(store.db, 'receipt.committed', { pad: 'x'.repeat(3000) }, at))();
      seedEvents(store, 10);
      // a row damaged on disk: its payload is not JSON
      store.db.prepare("INSERT INTO outbox (event_id, type, payload, created_at) VALUES ('01890000-0000-7000-8000-000000000001', 'receipt.committed', '{broken', ?)").run(at);
      seedEvents(store, 10);

      const r = await runSyncCycle(store);
      expect(r.setAside).toBe(2);
      expect(r.pushed).toBe(40);
      const aside = listSetAside(store);
      expect(aside.map((e) => e.seq)).toEqual([big.seq, 32]);
      expect(aside[0]!.reason).toMatch(/SYNC_MALFORMED: payload is 3\d{3} bytes; the limit is 2000/);
      expect(aside[1]!.reason).toMatch(/not valid JSON/);
      expect(aside.every((e) => e.declared)).toBe(true);
      expect(auditActions(store)).toContain('sync.set_aside');
      expect(getSyncStatus(store)).toMatchObject({ pending: 0, setAside: 2 });
      // the centre holds placeholders, so the device's sequence moved on past them
      expect((await storage.getDevice(deviceId))?.ackedThrough).toBe(42);
      const placeholders = (await storage.exportEvents(deviceId)).filter((e) => e.state === 'set_aside');
      expect(placeholders.map((e) => e.seq)).toEqual([big.seq, 32]);

      // later events are not held up
      seedEvents(store, 5);
      expect((await runSyncCycle(store)).pushed).toBe(5);

      // the centre is upgraded to accept larger events; the supervisor resends
      await server.close();
      server = await startSyncServer({ storage, port: server.port });
      expect(() => retrySetAside(store, 1)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      retrySetAside(store, big.seq, { clerkId: null });
      retrySetAside(store, 32, { clerkId: null });
      await expect(runSyncCycle(store)).resolves.toMatchObject({ pushed: 1, setAside: 1 });
      expect(listSetAside(store).map((e) => e.seq)).toEqual([32]); // still broken: set aside again, not lost
      const central = await storage.exportEvents(deviceId);
      const filled = central.find((e) => e.seq === big.seq)!;
      expect(filled.state).toBe('event');
      expect(filled.payload).toBe(localEvents(store).find((e) => e.seq === big.seq)!.payload);
      expect(central.filter((e) => e.state === 'set_aside').map((e) => e.seq)).toEqual([32]);
      expect(central.length).toBe(47);
      expect(auditActions(store).filter((a) => a === 'sync.set_aside.retry').length).toBe(2);
      // "resend all" after the cause is fixed centrally
      expect(retryAllSetAside(store, { clerkId: null })).toEqual({ count: 1 });
      await expect(runSyncCycle(store)).resolves.toMatchObject({ pushed: 0, setAside: 1 });
      expect(listSetAside(store).map((e) => e.seq)).toEqual([32]);
    } finally {
      removeCounter(store);
    }
  });
});

describe('recovery from restored databases', () => {
  it('resends what a centre restored from an older backup lost (SYNC_GAP → rewind)', async () => {
    const dir = tempDir('gap');
    let storage: CentralStorage = new SqliteCentralStorage(dir);
    let server = await startSyncServer({ storage });
    const store = openCounter({ counter: '51' });
    try {
      const deviceId = await enrollCounter(store, storage, server.url);
      seedEvents(store, 300);
      await runSyncCycle(store);
      await server.close();
      await storage.close();
      fs.copyFileSync(path.join(dir, CENTRAL_DB_FILE), path.join(dir, 'backup.sqlite'));
      storage = new SqliteCentralStorage(dir);
      server = await startSyncServer({ storage, port: 0 });
      store.db.prepare("INSERT INTO sync_state (key, value) VALUES ('server_url', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(server.url);
      seedEvents(store, 200);
      await runSyncCycle(store);
      expect((await storage.getDevice(deviceId))?.ackedThrough).toBe(500);
      // disaster: the centre goes back to the backup taken at 300
      await server.close();
      await storage.close();
      for (const f of fs.readdirSync(dir)) if (f.startsWith(CENTRAL_DB_FILE)) fs.rmSync(path.join(dir, f));
      fs.copyFileSync(path.join(dir, 'backup.sqlite'), path.join(dir, CENTRAL_DB_FILE));
      storage = new SqliteCentralStorage(dir);
      server = await startSyncServer({ storage });
      store.db.prepare("UPDATE sync_state SET value = ? WHERE key = 'server_url'").run(server.url);
      expect((await storage.getDevice(deviceId))?.ackedThrough).toBe(300);
      seedEvents(store, 10);
      const r = await runSyncCycle(store);
      expect(r.rewound).toBe(200);
      expect(r.pushed).toBe(210);
      const central = await storage.exportEvents(deviceId);
      expect(central.map((e) => [e.seq, e.eventId])).toEqual(localEvents(store).map((e) => [e.seq, e.eventId]));
      expect(auditActions(store)).toContain('sync.rewound');
    } finally {
      removeCounter(store);
      await server.close();
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses, with SYNC_SEQ_CONFLICT, events from a counter restored from an older backup instead of dropping them as duplicates', async () => {
    const dir = tempDir('conflict');
    const storage = new SqliteCentralStorage(dir);
    const server = await startSyncServer({ storage });
    const store = openCounter({ counter: '52' });
    let restored: ReturnType<typeof openCounterStore> | null = null;
    try {
      const deviceId = await enrollCounter(store, storage, server.url);
      seedEvents(store, 100);
      await runSyncCycle(store);
      store.db.prepare(`VACUUM INTO ?`).run(path.join(store.dataDir, 'backup.sqlite'));
      seedEvents(store, 50);
      await runSyncCycle(store);
      store.close();
      for (const f of fs.readdirSync(store.dataDir)) if (f.startsWith('postdesk.sqlite')) fs.rmSync(path.join(store.dataDir, f));
      fs.renameSync(path.join(store.dataDir, 'backup.sqlite'), path.join(store.dataDir, 'postdesk.sqlite'));
      restored = openCounterStore(store.dataDir);
      seedEvents(restored as Parameters<typeof seedEvents>[0], 20); // seqs 101..120 again, different events
      await expect(runSyncCycle(restored)).rejects.toMatchObject({ code: 'SYNC_SEQ_CONFLICT', message: expect.stringContaining('restored from an older backup') });
      expect(getSyncStatus(restored).lastError?.code).toBe('SYNC_SEQ_CONFLICT');
      expect(getSyncStatus(restored).pending).toBe(20);
      expect((await storage.getDevice(deviceId))?.ackedThrough).toBe(150);
    } finally {
      restored?.close();
      fs.rmSync(store.dataDir, { recursive: true, force: true });
      await server.close();
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('batches, enrollment and the status bar', () => {
  let dir: string;
  let storage: CentralStorage;
  let server: RunningSyncServer;
  beforeAll(async () => {
    dir = tempDir('misc');
    storage = new SqliteCentralStorage(dir);
    server = await startSyncServer({ storage, maxBodyBytes: 16 * 1024 });
  });
  afterAll(async () => {
    await server.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a batch of at most N events and B bytes from the outbox, but always at least one event', () => {
    const store = openCounter({ counter: '60' });
    try {
      seedEvents(store, 50);
      const big = store.db.transaction(() => appendOutbox(store.db, 'receipt.committed', { pad: 'x'.repeat(5000) }, new Date().toISOString()))();
      expect(readBatch(store, 'dev-x', { maxEvents: 20, maxBytes: 1 << 20 })).toMatchObject({ first: 1, last: 20 });
      const byBytes = readBatch(store, 'dev-x', { maxEvents: 500, maxBytes: 4000 })!;
      expect(byBytes.events.length).toBeGreaterThan(1);
      expect(Buffer.byteLength(byBytes.body)).toBeLessThan(4000 + 200);
      expect(readBatch(store, 'dev-x', { maxEvents: 500, maxBytes: 4000 }, big.seq - 1)).toMatchObject({ first: big.seq, last: big.seq, events: [big.seq] });
      expect(readBatch(store, 'dev-x', { maxEvents: 500, maxBytes: 4000 }, big.seq)).toBeNull();
    } finally {
      removeCounter(store);
    }
  });

  it('halves a batch the server finds too large, and sets aside a single event that can never fit', async () => {
    const store = openCounter({ counter: '61' });
    try {
      const deviceId = await enrollCounter(store, storage, server.url);
      seedEvents(store, 600);
      // 27 kB of incompressible text: larger than the server's 16 kB body limit even gzip-compressed
      store.db.transaction(() => appendOutbox(store.db, 'receipt.committed', { noise: randomBytes(20_000).toString('base64') }, new Date().toISOString()))();
      seedEvents(store, 10);
      const r = await runSyncCycle(store);
      expect(r.pushed).toBe(610);
      expect(r.setAside).toBe(1);
      expect(listSetAside(store)[0]!.reason).toMatch(/^PAYLOAD_TOO_LARGE/);
      expect((await storage.getDevice(deviceId))?.ackedThrough).toBe(611);
    } finally {
      removeCounter(store);
    }
  });

  it('on a line too slow for a full batch, shrinks the batch until it gets through', async () => {
    const slow = await startSyncServer({ storage });
    const proxy = new FaultProxy(slow.url, NO_FAULTS, 3);
    proxy.bytesPerMs = 100; // about 100 kB/s
    const url = await proxy.start();
    const store = openCounter({ counter: '64' });
    try {
      await enrollCounter(store, storage, url);
      const at = new Date().toISOString();
      // incompressible events: a 500-event batch is ~200 kB gzip-compressed, 2 s on this line
      store.db.transaction(() => {
        for (let i = 0; i < 600; i++) appendOutbox(store.db, 'receipt.committed', { noise: randomBytes(300).toString('base64') }, at);
      })();
      let failures = 0;
      while (unackedCount(store) > 0 && failures < 30) {
        try {
          await runSyncCycle(store, { timeoutMs: 700 });
        } catch (e) {
          expect(e).toMatchObject({ code: 'SYNC_UNREACHABLE', message: expect.stringContaining('no answer within') });
          failures++;
        }
      }
      expect(unackedCount(store)).toBe(0);
      expect(failures).toBeGreaterThan(0);
      expect(failures).toBeLessThan(15);
    } finally {
      removeCounter(store);
      await proxy.close();
      await slow.close();
    }
  });

  it('re-enrolling the same counter keeps its sequence at the centre', async () => {
    const store = openCounter({ counter: '62' });
    try {
      const deviceId = await enrollCounter(store, storage, server.url);
      seedEvents(store, 30);
      await runSyncCycle(store);
      fs.rmSync(path.join(store.dataDir, 'sync-device.json')); // the key file is lost
      await expect(runSyncCycle(store)).rejects.toMatchObject({ code: 'SYNC_NOT_ENROLLED' });
      const issued = await createEnrollmentCode(storage, { branch: '11000', counter: '62' });
      const again = await enrollDevice(store, server.url, issued.code);
      expect(again).toMatchObject({ deviceId, ackedThrough: 30 });
      seedEvents(store, 5);
      expect((await runSyncCycle(store)).pushed).toBe(5);
      expect((await storage.exportEvents(deviceId)).length).toBe(35);
    } finally {
      removeCounter(store);
    }
  });

  it('the agent reports catch-up progress, pending count, last success and last error in words', async () => {
    const store = openCounter({ counter: '63' });
    try {
      await enrollCounter(store, storage, server.url);
      seedEvents(store, 3000);
      const seen: SyncStatus[] = [];
      const agent = new SyncAgent(store, { intervalMs: 60_000, limits: { maxEvents: 100 }, progressMs: 5, onStatus: (s) => seen.push(s) });
      agent.start();
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (getSyncStatus(store).lastSuccessAt) {
            clearInterval(t);
            resolve();
          }
        }, 10);
      });
      const progress = seen.filter((s) => s.catchingUp);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.some((s) => s.catchingUp!.done > 0 && s.catchingUp!.done < s.catchingUp!.total)).toBe(true);
      expect(progress.every((s) => s.catchingUp!.total === 3000)).toBe(true);
      const last = seen[seen.length - 1]!;
      expect(last).toMatchObject({ pending: 0, catchingUp: null, lastError: null, running: false });
      expect(last.nextAttemptAt).not.toBeNull();

      // the line goes down: the error is kept in words, and "sync now" reports it
      await server.close();
      seedEvents(store, 3);
      await expect(syncNow(store)).rejects.toMatchObject({ code: 'SYNC_UNREACHABLE' });
      const st = getSyncStatus(store);
      expect(st.pending).toBe(3);
      expect(st.lastError).toMatchObject({ code: 'SYNC_UNREACHABLE', message: expect.stringMatching(/could not be reached: the connection was refused/) });
      // the line comes back: the agent retries on its own and clears the error
      server = await startSyncServer({ storage, port: server.port });
      agent.connectionRestored();
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (getSyncStatus(store).pending === 0 && getSyncStatus(store).lastError === null) {
            clearInterval(t);
            resolve();
          }
        }, 10);
      });
      await agent.stop();
      expect(unackedCount(store)).toBe(0);
    } finally {
      removeCounter(store);
    }
  });
});
