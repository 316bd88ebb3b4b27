/**
 * The whole loop, driven for real: the operator enrolls a counter with
 * postdesk-server, the counter is set up and enrolled with `postdesk init
 * --server --enroll`, sells, a new tariff is published centrally and the next
 * sale uses it (the old receipt keeps its price), and a telegram status posted
 * centrally shows in the counter's status look-up.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, dropPlace, newPlace, placeArgs, runServerCli, spawnServer, type CentralPlace, type ChildServer } from './helpers/central.js';
import { tempDir } from '../../support/counter.js';
import { openCounterStore, type OpenedStore } from '../../../services/store.js';
import { createDispatcher, type Dispatcher } from '../../../services/api.js';
import { stopSyncAgent } from '../../../services/syncRuntime.js';
import { uuidv7 } from '../../../domain/uuid7.js';
import type { Quote, Receipt, RequestStatusView, SyncRunView, SyncStatusView } from '../../../domain/api.js';

let place: CentralPlace;
let server: ChildServer;
let dataDir: string;
let store: OpenedStore;
let api: Dispatcher;
let token: string;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await api.call(method, input, token);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function sell(): Promise<Receipt> {
  const items = [{ kind: 'postal_fee', tariffCode: 'CERT_COPY', quantity: 1 }];
  const q = await call<Quote>('counter.quote', { items });
  return call<Receipt>('counter.checkout', { operationId: uuidv7(), items, tenders: [{ type: 'cash', amountPara: q.totalPara }], expectedTotalPara: q.totalPara });
}

beforeAll(async () => {
  place = newPlace('sqlite', 'loop');
  server = await spawnServer(place);
  const enrolled = await runServerCli(['enroll', '--branch', '11000', '--counter', '4', '--json', ...placeArgs(place)]);
  expect(enrolled.code).toBe(0);
  const code = (enrolled.json as { value: { code: string } }).value.code;
  dataDir = tempDir('loop');
  const init = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'postdesk.js'), 'init', '--data', dataDir, '--branch', '11000', '--counter', '4', '--supervisor-no', '1001', '--supervisor-name', 'Ana', '--pin', '4321', '--server', server.url, '--enroll', code, '--json'], { encoding: 'utf8', cwd: ROOT });
  expect(init.status, init.stderr).toBe(0);
  expect(JSON.parse(init.stdout.trim())).toMatchObject({ ok: true, branchCode: '11000', device: { serverUrl: expect.any(String) } });
  const secret = fs.statSync(path.join(dataDir, 'sync-device.json'));
  expect(secret.mode & 0o077).toBe(0);
  store = openCounterStore(dataDir);
  api = createDispatcher(store);
  token = ((await api.call('auth.signIn', { personalNo: '1001', pin: '4321' }, null)) as { ok: true; value: { sessionToken: string } }).value.sessionToken;
  await call('till.open', { count: [{ valuePara: 100000, form: 'note', quantity: 5 }] });
}, 120_000);

afterAll(async () => {
  if (store) {
    await stopSyncAgent(store);
    store.close();
  }
  await server?.stop();
  if (place) await dropPlace(place);
});

describe('counter ⇄ centre loop', () => {
  it('reports the enrolled counter in sync.status and pushes its sales', async () => {
    await sell();
    const run = await call<SyncRunView>('sync.now');
    expect(run.pending).toBe(0);
    const st = await call<SyncStatusView>('sync.status');
    expect(st).toMatchObject({ enrolled: true, pending: 0, setAside: 0, lastError: null });
    expect(st.lastSuccessAt).not.toBeNull();
  });

  it('a tariff published centrally reaches the counter and the next sale uses it; the old receipt keeps its price', async () => {
    const before = await sell();
    expect(before.totalPara).toBe(25000);
    const from = new Date(Date.now() - 1000).toISOString();
    const nameless = await runServerCli(['publish-tariff', '--code', 'CERT_COPY', '--price', '310,00', '--valid-from', from, '--allow-past', '--json', ...placeArgs(place)]);
    expect(nameless.code).not.toBe(0);
    expect(nameless.stdout + nameless.stderr).toMatch(/--name-sr/);
    const pub = await runServerCli(['publish-tariff', '--code', 'CERT_COPY', '--price', '310,00', '--valid-from', from, '--allow-past', '--name-sr', 'Оверени препис', '--name-en', 'Certified copy', '--json', ...placeArgs(place)]);
    expect(pub.code, pub.stderr).toBe(0);
    await call<SyncRunView>('sync.now');
    const after = await sell();
    expect(after.totalPara).toBe(31000);
    expect(after.lines[0]!.description).toBe('Оверени препис');
    expect((await call<Receipt>('receipts.get', { number: before.number })).totalPara).toBe(25000);
    expect((await call<{ ok: boolean }>('system.verify')).ok).toBe(true);
  });

  it('a telegram "delivered" status posted centrally shows in the counter status look-up', async () => {
    expect(await call<RequestStatusView | null>('status.lookup', { entity: 'telegram', ref: 'TG-11000-0001' })).toBeNull();
    const posted = await runServerCli(['post-status', '--entity', 'telegram', '--ref', 'TG-11000-0001', '--status', 'delivered', '--json', ...placeArgs(place)]);
    expect(posted.code, posted.stderr).toBe(0);
    await call<SyncRunView>('sync.now');
    expect(await call<RequestStatusView | null>('status.lookup', { entity: 'telegram', ref: 'TG-11000-0001' })).toMatchObject({ status: 'delivered' });
  });

  it('a supervisor lists and resends set-aside events (none here)', async () => {
    expect(await call<unknown[]>('sync.setAside')).toEqual([]);
    expect(await call<{ count: number }>('sync.retryAllSetAside')).toEqual({ count: 0 });
  });
});
