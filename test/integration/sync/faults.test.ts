/**
 * Exactly-once under faults: 10,000 events from 3 counters go through a proxy
 * that drops requests, drops answers after the server committed, delivers
 * requests late, duplicates, delays and reorders them, and cuts bodies in the
 * middle; the server is killed (-9) and restarted twice and the line goes down
 * once. Afterwards the central set must equal the union of the local sets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { postStatus } from '../../../server/admin.js';
import { startSyncServer } from '../../../server/app.js';
import { SyncAgent, getStatus, getSyncStatus, pendingEvents, runSyncCycle } from '../../../services/sync/index.js';
import { pullCursor } from '../../../services/sync/pull.js';
import type { OpenedStore } from '../../../services/store.js';
import { announcePgSkip, describeEachBackend, dropPlace, newPlace, openPlace, spawnServer, type ChildServer } from './helpers/central.js';
import { enrollCounter, localEvents, openCounter, removeCounter, seedEvents, unackedCount } from './helpers/counter.js';
import { FaultProxy, NO_FAULTS, type FaultRates } from './helpers/fault-proxy.js';

announcePgSkip();

const RATES: FaultRates = { dropRequest: 0.05, dropAnswer: 0.07, late: 0.04, duplicate: 0.06, delay: 0.07, reorder: 0.05, cutBody: 0.05 };
const TOTAL = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachBackend('exactly-once through the fault proxy', (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it(`delivers ${TOTAL} events from 3 counters exactly once through drops, duplicates, delays, reordering, cut bodies and server restarts`, { timeout: 180_000 }, async () => {
    const seed = Number(process.env.SYNC_FAULT_SEED ?? Date.now() % 1_000_000);
    console.log(`[${backend}] fault proxy seed ${seed} (rerun with SYNC_FAULT_SEED=${seed})`);
    const place = newPlace(backend, 'faults');
    const admin = await openPlace(place);
    cleanups.push(async () => {
      await admin.close();
      await dropPlace(place);
    });
    let server: ChildServer = await spawnServer(place);
    cleanups.push(() => server.kill9());
    const proxy = new FaultProxy(server.url, RATES, seed);
    const proxyUrl = await proxy.start();
    cleanups.push(() => proxy.close());

    const counters: OpenedStore[] = [];
    const devices: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const store = openCounter({ branch: '11000', counter: String(i) });
      cleanups.push(() => removeCounter(store));
      counters.push(store);
      devices.push(await enrollCounter(store, admin, proxyUrl));
    }
    const shares = [3334, 3333, 3333];
    const upFront = shares.map((n) => Math.floor(n * 0.6));
    counters.forEach((s, i) => seedEvents(s, upFront[i]!, { tag: `c${i}` }));

    const agents = counters.map(
      (store) => new SyncAgent(store, { intervalMs: 100, backoff: { baseMs: 20, maxMs: 400 }, timeoutMs: 3000, limits: { maxEvents: 100 } }),
    );
    agents.forEach((a) => a.start());
    cleanups.push(async () => {
      for (const a of agents) await a.stop();
    });

    // The rest arrives while syncing, as sales would; status updates are posted meanwhile.
    const producer = (async () => {
      const left = shares.map((n, i) => n - upFront[i]!);
      let round = 0;
      while (left.some((n) => n > 0)) {
        counters.forEach((s, i) => {
          const m = Math.min(left[i]!, 80);
          if (m > 0) seedEvents(s, m, { tag: `c${i}` });
          left[i]! -= m;
        });
        if (round < 20) await postStatus(admin, { entity: 'telegram', ref: `TG-${round}`, status: 'delivered' });
        round++;
        await sleep(40);
      }
      for (; round < 20; round++) await postStatus(admin, { entity: 'telegram', ref: `TG-${round}`, status: 'delivered' });
    })();

    const totalAcked = () => counters.reduce((n, s) => n + (s.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NOT NULL').get() as { n: number }).n, 0);
    const restartServer = async () => {
      await server.kill9();
      await sleep(150);
      server = await spawnServer(place);
      proxy.setTarget(server.url);
    };
    const deadline = Date.now() + 150_000;
    const waitFor = async (cond: () => boolean, what: string) => {
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: acked ${totalAcked()} of ${TOTAL}; ${JSON.stringify(counters.map((s) => getSyncStatus(s).lastError))}`);
        await sleep(25);
      }
    };

    await waitFor(() => totalAcked() > TOTAL * 0.25, '25 %');
    await restartServer();
    await waitFor(() => totalAcked() > TOTAL * 0.5, '50 %');
    proxy.setOffline(true);
    await sleep(600);
    proxy.setOffline(false);
    agents.forEach((a) => a.connectionRestored());
    await waitFor(() => totalAcked() > TOTAL * 0.7, '70 %');
    await restartServer();
    await producer;
    const feedEnd = (await admin.stats()).feed;
    await waitFor(() => counters.every((s) => pendingEvents(s) === 0 && pullCursor(s) >= feedEnd), 'convergence');
    for (const a of agents) await a.stop();

    // A final pass without faults must find nothing left to do.
    proxy.rates = NO_FAULTS;
    for (const s of counters) expect((await runSyncCycle(s)).pushed).toBe(0);

    const central = await admin.exportEvents();
    expect(central.length).toBe(TOTAL);
    expect(new Set(central.map((e) => e.eventId)).size).toBe(TOTAL);
    expect(central.filter((e) => e.state !== 'event')).toEqual([]);
    const key = (d: string, e: { seq: number; eventId: string; type: string | null; at: string | null; payload: string | null }) => `${d}|${e.seq}|${e.eventId}|${e.type}|${e.at}|${e.payload}`;
    const union = new Set(counters.flatMap((s, i) => localEvents(s).map((e) => key(devices[i]!, e))));
    expect(union.size).toBe(TOTAL);
    const centralKeys = new Set(central.map((e) => key(e.device, e)));
    expect([...union].filter((k) => !centralKeys.has(k))).toEqual([]);
    expect([...centralKeys].filter((k) => !union.has(k))).toEqual([]);
    for (const [i, s] of counters.entries()) {
      expect(unackedCount(s)).toBe(0);
      expect((await admin.getDevice(devices[i]!))?.ackedThrough).toBe(shares[i]);
      for (let r = 0; r < 20; r++) expect(getStatus(s, 'telegram', `TG-${r}`)?.status).toBe('delivered');
    }
    console.log(`[${backend}] proxy faults: ${JSON.stringify(proxy.counts)}`);
    for (const k of ['dropRequest', 'dropAnswer', 'late', 'duplicate', 'delay', 'reorder', 'cutBody'] as const) expect(proxy.counts[k], k).toBeGreaterThan(0);
  });
});

describe('answers the client cannot trust', () => {
  it('refuses a forged acknowledgement and marks nothing as sent', async () => {
    const place = newPlace('sqlite', 'forged');
    const storage = await openPlace(place);
    const server = await startSyncServer({ storage });
    const proxy = new FaultProxy(server.url, NO_FAULTS, 1, {
      afterUpstream: (req, a) => {
        if (!req.path.startsWith('/v1/push')) return 'forward';
        // claim everything up to 1,000,000 was stored, keeping the server's signature
        return { ...a, headers: { ...a.headers, 'content-encoding': 'identity' }, body: Buffer.from(JSON.stringify({ ok: true, value: { ackedThrough: 1_000_000 } })) };
      },
    });
    const url = await proxy.start();
    const store = openCounter({ counter: '21' });
    try {
      await enrollCounter(store, storage, url);
      seedEvents(store, 50);
      await expect(runSyncCycle(store)).rejects.toMatchObject({ code: 'SYNC_BAD_SIGNATURE' });
      expect(unackedCount(store)).toBe(50);
      proxy.hooks = {};
      await runSyncCycle(store);
      expect(unackedCount(store)).toBe(0);
    } finally {
      removeCounter(store);
      await proxy.close();
      await server.close();
      await storage.close();
      await dropPlace(place);
    }
  });
});
