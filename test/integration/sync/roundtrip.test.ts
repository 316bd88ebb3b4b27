import { afterAll, beforeAll, expect, it } from 'vitest';
import { postStatus, publishReference, publishTariff } from '../../../server/admin.js';
import { startSyncServer, type RunningSyncServer } from '../../../server/app.js';
import type { CentralStorage } from '../../../server/storage.js';
import { getStatus, getSyncStatus, readCredentials, registerPullApplier, replayDataset, runSyncCycle, credentialsPath } from '../../../services/sync/index.js';
import { tariffAt } from '../../../services/tariffs.js';
import fs from 'node:fs';
import { announcePgSkip, describeEachBackend, dropPlace, newPlace, openPlace, runServerCli, placeArgs, type CentralPlace } from './helpers/central.js';
import { enrollCounter, localEvents, openCounter, removeCounter, seedEvents, unackedCount } from './helpers/counter.js';

announcePgSkip();

describeEachBackend('sync round trip', (backend) => {
  let place: CentralPlace;
  let storage: CentralStorage;
  let server: RunningSyncServer;

  beforeAll(async () => {
    place = newPlace(backend);
    storage = await openPlace(place);
    server = await startSyncServer({ storage });
  });
  afterAll(async () => {
    await server.close();
    await storage.close();
    await dropPlace(place);
  });

  it('pushes the outbox in batches and the central set equals the local set', async () => {
    const store = openCounter({ branch: '11000', counter: '1' });
    try {
      const deviceId = await enrollCounter(store, storage, server.url);
      seedEvents(store, 2345);
      store.db.prepare("UPDATE settings SET value = '300' WHERE key = 'sync_batch_max_events'").run();
      const r = await runSyncCycle(store);
      expect(r.pushed).toBe(2345);
      expect(unackedCount(store)).toBe(0);
      const central = await storage.exportEvents(deviceId);
      expect(central.map((e) => [e.seq, e.eventId, e.type, e.at, e.payload])).toEqual(localEvents(store).map((e) => [e.seq, e.eventId, e.type, e.at, e.payload]));
      const st = getSyncStatus(store);
      expect(st).toMatchObject({ enrolled: true, deviceId, pending: 0, setAside: 0, lastError: null, catchingUp: null });
      expect(st.lastSuccessAt).not.toBeNull();
      // the secret is in a file only the owner can read, not in the database
      expect(fs.statSync(credentialsPath(store.dataDir)).mode & 0o777).toBe(0o600);
      const secret = readCredentials(store.dataDir)!.secret;
      const dump = store.db.prepare("SELECT group_concat(value) AS v FROM (SELECT value FROM sync_state UNION ALL SELECT value FROM meta UNION ALL SELECT value FROM settings)").get() as { v: string };
      expect(dump.v.includes(secret)).toBe(false);
    } finally {
      removeCounter(store);
    }
  });

  it('brings a centrally published tariff into the counter tariffs table, and keeps the old price for earlier instants', async () => {
    const store = openCounter({ branch: '11000', counter: '2' });
    try {
      await enrollCounter(store, storage, server.url);
      const before = tariffAt(store, 'FAX', new Date().toISOString());
      expect(before?.pricePara).toBe(12000);
      const from = new Date(Date.now() + 1000).toISOString();
      await publishTariff(storage, { code: 'FAX', price: '135,50', validFrom: from, nameSr: 'Слање факса по страни', nameEn: 'Fax per page' });
      await runSyncCycle(store);
      expect(tariffAt(store, 'FAX', new Date(Date.parse(from) + 1).toISOString())).toMatchObject({ code: 'FAX', pricePara: 13550, validFrom: from });
      expect(tariffAt(store, 'FAX', new Date(Date.parse(from) - 1).toISOString())?.pricePara).toBe(12000);
      // pulling again applies nothing twice
      const again = await runSyncCycle(store);
      expect(again.pulled).toBe(0);
      expect((store.db.prepare("SELECT COUNT(*) AS n FROM tariffs WHERE code = 'FAX'").get() as { n: number }).n).toBe(2);
    } finally {
      removeCounter(store);
    }
  });

  it('returns a telegram "delivered" status posted centrally from getStatus', async () => {
    const store = openCounter({ branch: '11000', counter: '3' });
    try {
      await enrollCounter(store, storage, server.url);
      expect(getStatus(store, 'telegram', 'TG-2026-000042')).toBeNull();
      await postStatus(storage, { entity: 'telegram', ref: 'TG-2026-000042', status: 'sent', at: '2026-11-21T10:00:00Z' });
      await postStatus(storage, { entity: 'telegram', ref: 'TG-2026-000042', status: 'delivered', at: '2026-11-21T11:30:00Z' });
      // a late report of an earlier state does not overwrite the later one
      await postStatus(storage, { entity: 'telegram', ref: 'TG-2026-000042', status: 'accepted', at: '2026-11-21T09:00:00Z' });
      await postStatus(storage, { entity: 'eid', ref: 'EID-77', status: 'activated', branch: '21000' });
      await runSyncCycle(store);
      expect(getStatus(store, 'telegram', 'TG-2026-000042')).toMatchObject({ entity: 'telegram', ref: 'TG-2026-000042', status: 'delivered', at: '2026-11-21T11:30:00.000Z' });
      // another branch's update does not reach this counter
      expect(getStatus(store, 'eid', 'EID-77')).toBeNull();
    } finally {
      removeCounter(store);
    }
  });

  it('keeps reference rows of datasets the app learns later and replays them into a new applier', async () => {
    const store = openCounter({ branch: '11000', counter: '4' });
    try {
      await enrollCounter(store, storage, server.url);
      await publishReference(storage, { dataset: 'billers', key: '160-0000000012345-67', data: { name: 'ЈКП Инфостан', feeExempt: false } });
      await runSyncCycle(store);
      const seen: string[] = [];
      const off = registerPullApplier('billers', (item) => seen.push(item.key));
      try {
        expect(replayDataset(store, 'billers')).toEqual({ applied: 1, problems: [] });
        expect(seen).toEqual(['160-0000000012345-67']);
      } finally {
        off();
      }
    } finally {
      removeCounter(store);
    }
  });

  it('drives the loop with the operator CLI: publish-tariff and post-status', async () => {
    const store = openCounter({ branch: '11000', counter: '5' });
    try {
      await enrollCounter(store, storage, server.url);
      const from = new Date(Date.now() + 500).toISOString();
      const t = await runServerCli(['publish-tariff', ...placeArgs(place), '--code', 'FORM', '--price', '1.234,50', '--valid-from', from, '--name-sr', 'Образац', '--name-en', 'Printed form', '--json']);
      expect(t.code, t.stderr).toBe(0);
      const s = await runServerCli(['post-status', ...placeArgs(place), '--entity', 'telegram', '--ref', 'TG-CLI-1', '--status', 'delivered', '--json']);
      expect(s.code, s.stderr).toBe(0);
      const bad = await runServerCli(['publish-tariff', ...placeArgs(place), '--code', 'FORM', '--price', 'abc', '--valid-from', from, '--json']);
      expect(bad.code).toBe(1);
      expect(bad.json).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID' } });
      await runSyncCycle(store);
      expect(tariffAt(store, 'FORM', new Date(Date.parse(from) + 1).toISOString())?.pricePara).toBe(123450);
      expect(getStatus(store, 'telegram', 'TG-CLI-1')?.status).toBe('delivered');
    } finally {
      removeCounter(store);
    }
  });
});
