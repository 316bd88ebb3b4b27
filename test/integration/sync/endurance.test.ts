/**
 * Offline endurance: 5 counters sell 400 receipts a day without a network,
 * then the line comes back. Each counter's client runs in its own process so
 * its peak memory can be measured; 10 days and 30 days of backlog are
 * compared to show memory does not grow with the backlog (the push streams
 * the outbox in batches and never loads it whole).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appendOutbox } from '../../../db/outbox.js';
import { dropPlace, newPlace, openPlace, spawnClient, spawnServer, type ChildServer, type ClientResult } from './helpers/central.js';
import { enrollCounter, localEvents, openCounter, receiptPayload, removeCounter } from './helpers/counter.js';
import type { OpenedStore } from '../../../services/store.js';

const COUNTERS = 5;
const RECEIPTS_PER_DAY = 400;
const DAY_MS = 86_400_000;

interface RunFigures {
  days: number;
  events: number;
  seedMs: number;
  catchUpMs: number;
  /** The slowest client's own sync time, without its process start-up. */
  clientSyncMs: number;
  eventsPerS: number;
  peakHeapMiB: number;
  peakRssMiB: number;
}

const MiB = 1024 * 1024;

async function offlineThenSync(days: number, cleanups: (() => Promise<void> | void)[]): Promise<RunFigures> {
  const place = newPlace('sqlite', `endure${days}`);
  const admin = await openPlace(place);
  const server: ChildServer = await spawnServer(place);
  cleanups.push(async () => {
    await server.stop();
    await admin.close();
    await dropPlace(place);
  });
  const counters: OpenedStore[] = [];
  const devices: string[] = [];
  for (let c = 1; c <= COUNTERS; c++) {
    const store = openCounter({ branch: '24000', counter: String(c) });
    cleanups.push(() => removeCounter(store));
    devices.push(await enrollCounter(store, admin, server.url));
    counters.push(store);
  }
  // Offline: every receipt writes its outbox event, day after day.
  const t0 = performance.now();
  const start = Date.now() - days * DAY_MS;
  for (const [c, store] of counters.entries()) {
    for (let d = 0; d < days; d++) {
      store.db.transaction(() => {
        for (let r = 0; r < RECEIPTS_PER_DAY; r++) {
          const at = new Date(start + d * DAY_MS + 8 * 3_600_000 + r * 60_000).toISOString();
          appendOutbox(store.db, 'receipt.committed', receiptPayload(d * RECEIPTS_PER_DAY + r, `c${c}`), at);
        }
      })();
    }
  }
  const seedMs = performance.now() - t0;
  const dirs = counters.map((s) => {
    s.close();
    return s.dataDir;
  });
  // The line is back: all five counters catch up at once, each in its own process.
  const t1 = performance.now();
  // A 64 MiB heap cap: a client that loaded its backlog would die of it rather than pass slowly.
  const runs = await Promise.all(dirs.map((dataDir) => spawnClient({ dataDir }, ['--max-old-space-size=64']).done));
  const catchUpMs = performance.now() - t1;
  const results: ClientResult[] = runs.map((r) => {
    expect(r.code, r.stderr).toBe(0);
    return r.result!;
  });
  const events = COUNTERS * days * RECEIPTS_PER_DAY;
  expect(results.reduce((n, r) => n + r.pushed, 0)).toBe(events);
  expect((await admin.stats()).events).toBe(events);
  // spot-check exactness on one counter
  const again = openCounter({ dir: dirs[0]! });
  cleanups.push(() => again.close());
  const central = await admin.exportEvents(devices[0]!);
  expect(central.map((e) => e.eventId)).toEqual(localEvents(again).map((e) => e.eventId));
  return {
    days,
    events,
    seedMs: Math.round(seedMs),
    catchUpMs: Math.round(catchUpMs),
    clientSyncMs: Math.round(Math.max(...results.map((r) => r.ms))),
    eventsPerS: Math.round(events / (catchUpMs / 1000)),
    peakHeapMiB: +(Math.max(...results.map((r) => r.peakHeap)) / MiB).toFixed(1),
    peakRssMiB: +(Math.max(...results.map((r) => r.maxRssKb * 1024)) / MiB).toFixed(1),
  };
}

describe('offline endurance', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('catches up 10 and 30 days × 5 counters × 400 receipts with client memory that does not grow with the backlog', { timeout: 240_000 }, async () => {
    const ten = await offlineThenSync(10, cleanups);
    const thirty = await offlineThenSync(30, cleanups);
    console.table([ten, thirty]);
    console.log(
      `offline endurance: 30 days (${thirty.events} events) caught up in ${(thirty.catchUpMs / 1000).toFixed(1)} s; ` +
        `client peak heap ${thirty.peakHeapMiB} MiB vs ${ten.peakHeapMiB} MiB for 10 days, peak RSS ${thirty.peakRssMiB} vs ${ten.peakRssMiB} MiB`,
    );
    // Three times the backlog: memory stays within a margin of the 10-day figure (GC timing makes peaks wobble).
    expect(thirty.peakHeapMiB).toBeLessThan(ten.peakHeapMiB * 1.5 + 16);
    expect(thirty.peakRssMiB).toBeLessThan(ten.peakRssMiB + 48);
  });
});
