/**
 * kill -9 at the two moments that make duplicates or losses elsewhere:
 *  - the counter dies after the server committed a batch and before the
 *    counter recorded the acknowledgement;
 *  - the server dies in the middle of a batch (inside its transaction), and
 *    after committing but before answering.
 */
import { afterAll, expect, it } from 'vitest';
import { startSyncServer } from '../../../server/app.js';
import { runSyncCycle } from '../../../services/sync/index.js';
import { openCounterStore } from '../../../services/store.js';
import { announcePgSkip, describeEachBackend, dropPlace, newPlace, openPlace, spawnClient, spawnServer, type ChildServer } from './helpers/central.js';
import { enrollCounter, localEvents, openCounter, removeCounter, seedEvents, unackedCount } from './helpers/counter.js';
import { FaultProxy, NO_FAULTS } from './helpers/fault-proxy.js';

announcePgSkip();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachBackend('kill -9', (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a counter killed between the server commit and its own acknowledgement sends no duplicate after restart', async () => {
    const place = newPlace(backend, 'killclient');
    const storage = await openPlace(place);
    const server = await startSyncServer({ storage });
    cleanups.push(async () => {
      await server.close();
      await storage.close();
      await dropPlace(place);
    });
    let victim: number | null = null;
    let killed = 0;
    const proxy = new FaultProxy(server.url, NO_FAULTS, 1, {
      afterUpstream: async (req, answer) => {
        if (req.path.startsWith('/v1/push') && answer.status === 200 && victim !== null && killed === 0) {
          // the server has committed the batch; the counter dies before it hears so
          killed++;
          process.kill(victim, 'SIGKILL');
          return 'drop';
        }
        return 'forward';
      },
    });
    const url = await proxy.start();
    cleanups.push(() => proxy.close());

    const store = openCounter({ counter: '31' });
    const dir = store.dataDir;
    const deviceId = await enrollCounter(store, storage, url);
    seedEvents(store, 1000);
    store.close();

    const first = spawnClient({ dataDir: dir, maxEvents: 400 });
    victim = first.proc.pid!;
    const r1 = await first.done;
    expect(r1.signal).toBe('SIGKILL');
    expect(killed).toBe(1);
    expect((await storage.getDevice(deviceId))?.ackedThrough).toBe(400);
    const after = openCounterStore(dir);
    expect(unackedCount(after)).toBe(1000); // the acknowledgement never reached the counter
    after.close();

    const second = spawnClient({ dataDir: dir, maxEvents: 400 });
    const r2 = await second.done;
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.result?.errors).toBe(0);

    const reopened = openCounter({ dir });
    cleanups.push(() => removeCounter(reopened));
    expect(unackedCount(reopened)).toBe(0);
    const central = await storage.exportEvents(deviceId);
    expect(central.length).toBe(1000);
    expect(new Set(central.map((e) => e.eventId)).size).toBe(1000);
    expect(central.map((e) => [e.seq, e.eventId, e.payload])).toEqual(localEvents(reopened).map((e) => [e.seq, e.eventId, e.payload]));
  });

  it.each(['push-before-commit:3', 'push-after-commit:2'])('a server killed at %s loses nothing and stores nothing twice', async (crashAt) => {
    const place = newPlace(backend, 'killserver');
    cleanups.push(() => dropPlace(place));
    let server: ChildServer = await spawnServer(place, { env: { POSTDESK_TEST_CRASH: crashAt } });
    cleanups.push(() => server.kill9());
    const proxy = new FaultProxy(server.url, NO_FAULTS, 2);
    const url = await proxy.start();
    cleanups.push(() => proxy.close());
    const admin = await openPlace(place);
    cleanups.push(() => admin.close());

    const store = openCounter({ counter: '32' });
    cleanups.push(() => removeCounter(store));
    const deviceId = await enrollCounter(store, admin, url);
    seedEvents(store, 1200);

    const sync = (async () => {
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          const r = await runSyncCycle(store, { timeoutMs: 5000, limits: { maxEvents: 250 } });
          if (r.pending === 0) return;
        } catch {
          await sleep(50);
        }
      }
      throw new Error('did not converge');
    })();
    const exit = await server.exited;
    expect(exit.signal).toBe('SIGKILL');
    const heldAtCrash = (await admin.getDevice(deviceId))!.ackedThrough;
    // before-commit: the third batch rolled back; after-commit: the second batch is in, unanswered
    expect(heldAtCrash).toBe(500);
    server = await spawnServer(place);
    proxy.setTarget(server.url);
    await sync;

    expect(unackedCount(store)).toBe(0);
    const central = await admin.exportEvents(deviceId);
    expect(central.length).toBe(1200);
    expect(new Set(central.map((e) => e.eventId)).size).toBe(1200);
    expect(central.map((e) => [e.seq, e.eventId, e.type, e.at, e.payload])).toEqual(localEvents(store).map((e) => [e.seq, e.eventId, e.type, e.at, e.payload]));
  });
});
