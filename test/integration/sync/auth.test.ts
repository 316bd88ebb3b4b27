import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentCode } from '../../../server/admin.js';
import { startSyncServer, type RunningSyncServer } from '../../../server/app.js';
import type { CentralStorage } from '../../../server/storage.js';
import { enrollDevice, getSyncStatus, readCredentials, runSyncCycle } from '../../../services/sync/index.js';
import { SYNC_HEADERS } from '../../../domain/sync.js';
import { dropPlace, newPlace, openPlace, type CentralPlace } from './helpers/central.js';
import { openCounter, removeCounter, seedEvents, unackedCount } from './helpers/counter.js';
import { rawRequest, signedPush } from './helpers/raw.js';

function event(seq: number) {
  return { seq, id: randomUUID().replace(/^(.{14})./, '$17'), type: 'receipt.committed', at: new Date().toISOString(), payload: `{"n":${seq}}` };
}

describe('sync authentication and refusals', () => {
  let place: CentralPlace;
  let storage: CentralStorage;
  let server: RunningSyncServer;

  beforeAll(async () => {
    place = newPlace('sqlite', 'auth');
    storage = await openPlace(place);
    server = await startSyncServer({ storage });
  });
  afterAll(async () => {
    await server.close();
    await storage.close();
    await dropPlace(place);
  });

  async function enrolledKey(counter: string) {
    const store = openCounter({ counter });
    const issued = await createEnrollmentCode(storage, { branch: '11000', counter });
    await enrollDevice(store, server.url, issued.code);
    const c = readCredentials(store.dataDir)!;
    return { store, key: { deviceId: c.deviceId, secret: c.secret } };
  }

  it('trades a one-time code for a device once; a retry with the same client key gets the same device', async () => {
    const issued = await createEnrollmentCode(storage, { branch: '11000', counter: '9' });
    const clientKey = randomUUID();
    const body = (k: string) => Buffer.from(JSON.stringify({ code: issued.code, clientKey: k }));
    const first = await rawRequest(server.url, 'POST', '/v1/enroll', body(clientKey), { 'content-type': 'application/json' });
    expect(first.json.ok).toBe(true);
    const again = await rawRequest(server.url, 'POST', '/v1/enroll', body(clientKey), { 'content-type': 'application/json' });
    expect(again.json.value).toEqual({ ...(first.json.value as object), serverTime: (again.json.value as { serverTime: string }).serverTime });
    const other = await rawRequest(server.url, 'POST', '/v1/enroll', body(randomUUID()), { 'content-type': 'application/json' });
    expect(other.status).toBe(409);
    expect(other.json.error?.code).toBe('SYNC_ENROLL_USED');
  });

  it('refuses an unknown, an expired and a wrong-counter code with their own codes, without using the code up', async () => {
    const store = openCounter({ counter: '7' });
    try {
      await expect(enrollDevice(store, server.url, 'AAAA-BBBB-CCCC-DDDD')).rejects.toMatchObject({ code: 'SYNC_ENROLL_INVALID' });
      const old = await createEnrollmentCode(storage, { branch: '11000', counter: '7', ttlHours: 1, now: new Date(Date.now() - 2 * 3_600_000) });
      await expect(enrollDevice(store, server.url, old.code)).rejects.toMatchObject({ code: 'SYNC_ENROLL_EXPIRED' });
      const wrong = await createEnrollmentCode(storage, { branch: '11000', counter: '8' });
      await expect(enrollDevice(store, server.url, wrong.code)).rejects.toMatchObject({ code: 'SYNC_ENROLL_INVALID', message: expect.stringContaining('counter 8') });
      const right = await createEnrollmentCode(storage, { branch: '11000', counter: '7' });
      // typed in lower case with blanks: still accepted
      const d = await enrollDevice(store, server.url, right.code.toLowerCase().replace(/-/g, ' '));
      expect(d).toMatchObject({ branch: '11000', counter: '7', ackedThrough: 0 });
    } finally {
      removeCounter(store);
    }
  });

  it('refuses a tampered signature and a body altered after signing with SYNC_BAD_SIGNATURE', async () => {
    const { store, key } = await enrolledKey('11');
    try {
      const { body, headers } = signedPush(key, { device: key.deviceId, events: [event(1)] });
      const sig = headers[SYNC_HEADERS.signature]!;
      const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
      const r1 = await rawRequest(server.url, 'POST', '/v1/push', body, { ...headers, [SYNC_HEADERS.signature]: flipped });
      expect(r1.status).toBe(401);
      expect(r1.json.error?.code).toBe('SYNC_BAD_SIGNATURE');
      const other = signedPush(key, { device: key.deviceId, events: [event(1), event(2)] }).body;
      const r2 = await rawRequest(server.url, 'POST', '/v1/push', other, headers);
      expect(r2.json.error?.code).toBe('SYNC_BAD_SIGNATURE');
      const r3 = await rawRequest(server.url, 'POST', '/v1/push', body, { ...headers, [SYNC_HEADERS.signature]: signedPush({ ...key, secret: 'x'.repeat(43) }, {}).headers[SYNC_HEADERS.signature]! });
      expect(r3.json.error?.code).toBe('SYNC_BAD_SIGNATURE');
      expect((await storage.getDevice(key.deviceId))?.ackedThrough).toBe(0);
    } finally {
      removeCounter(store);
    }
  });

  it('refuses a replayed request with SYNC_REPLAY', async () => {
    const { store, key } = await enrolledKey('12');
    try {
      const { body, headers } = signedPush(key, { device: key.deviceId, events: [event(1)] });
      const first = await rawRequest(server.url, 'POST', '/v1/push', body, headers);
      expect(first.json).toMatchObject({ ok: true, value: { ackedThrough: 1 } });
      const replay = await rawRequest(server.url, 'POST', '/v1/push', body, headers);
      expect(replay.status).toBe(409);
      expect(replay.json.error?.code).toBe('SYNC_REPLAY');
    } finally {
      removeCounter(store);
    }
  });

  it('refuses a counter clock 6 minutes off with SYNC_CLOCK_SKEW, saying so in words with both clocks', async () => {
    const { store } = await enrolledKey('13');
    try {
      seedEvents(store, 5);
      store.clock.offsetMs = 6 * 60_000;
      const err = await runSyncCycle(store).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'SYNC_CLOCK_SKEW' });
      const msg = (err as Error).message;
      expect(msg).toMatch(/clock is 6 minutes ahead of the central server's \(counter: \d{4}-\d\d-\d\dT.*Z, central server: \d{4}-.*Z\)/);
      expect(msg).toContain('more than 5 minutes off are refused');
      expect(getSyncStatus(store).lastError).toMatchObject({ code: 'SYNC_CLOCK_SKEW', message: msg });
      expect(unackedCount(store)).toBe(5);
      store.clock.offsetMs = -6 * 60_000 - 5_000;
      await expect(runSyncCycle(store)).rejects.toMatchObject({ code: 'SYNC_CLOCK_SKEW', message: expect.stringContaining('6 minutes 5 seconds behind') });
      store.clock.offsetMs = 4 * 60_000; // within the window
      await runSyncCycle(store);
      expect(unackedCount(store)).toBe(0);
      expect(getSyncStatus(store).lastError).toBeNull();
    } finally {
      removeCounter(store);
    }
  });

  it('refuses an unknown device with SYNC_UNKNOWN_DEVICE and an unsigned request with SYNC_AUTH_REQUIRED', async () => {
    const key = { deviceId: 'dev-0000000000000000', secret: 'q'.repeat(43) };
    const { body, headers } = signedPush(key, { device: key.deviceId, events: [event(1)] });
    const r = await rawRequest(server.url, 'POST', '/v1/push', body, headers);
    expect(r.status).toBe(401);
    expect(r.json.error?.code).toBe('SYNC_UNKNOWN_DEVICE');
    const unsigned = await rawRequest(server.url, 'POST', '/v1/push', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(unsigned.json.error?.code).toBe('SYNC_AUTH_REQUIRED');
    const pull = await rawRequest(server.url, 'GET', '/v1/pull?after=0', null, {});
    expect(pull.json.error?.code).toBe('SYNC_AUTH_REQUIRED');
  });

  it('refuses a revoked device with SYNC_UNKNOWN_DEVICE until it is enrolled again', async () => {
    const { store, key } = await enrolledKey('14');
    try {
      seedEvents(store, 3);
      await runSyncCycle(store);
      expect(await storage.revokeDevice(key.deviceId, new Date().toISOString())).toBe(true);
      seedEvents(store, 2);
      await expect(runSyncCycle(store)).rejects.toMatchObject({ code: 'SYNC_UNKNOWN_DEVICE' });
      const issued = await createEnrollmentCode(storage, { branch: '11000', counter: '14' });
      expect(await enrollDevice(store, server.url, issued.code)).toMatchObject({ deviceId: key.deviceId, ackedThrough: 3 });
      await runSyncCycle(store);
      expect(unackedCount(store)).toBe(0);
    } finally {
      removeCounter(store);
    }
  });

  it('refuses an over-limit body and a gzip bomb with PAYLOAD_TOO_LARGE', async () => {
    const small = await startSyncServer({ storage, maxBodyBytes: 4096, maxInflatedBytes: 64 * 1024 });
    const { store, key } = await enrolledKey('15');
    try {
      const big = signedPush(key, { device: key.deviceId, events: Array.from({ length: 200 }, (_, i) => ({ ...event(i + 1), payload: JSON.stringify({ r: Math.random().toString(36).repeat(4) }) })) });
      const r1 = await rawRequest(small.url, 'POST', '/v1/push', big.body, big.headers);
      expect(r1.status).toBe(413);
      expect(r1.json.error?.code).toBe('PAYLOAD_TOO_LARGE');
      const bomb = signedPush(key, { device: key.deviceId, events: [{ ...event(1), payload: JSON.stringify({ pad: ' '.repeat(200_000) }) }] });
      expect(bomb.body.length).toBeLessThan(4096);
      const r2 = await rawRequest(small.url, 'POST', '/v1/push', bomb.body, bomb.headers);
      expect(r2.json.error?.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
      removeCounter(store);
    }
  });
});
