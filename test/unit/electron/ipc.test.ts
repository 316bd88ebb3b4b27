import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher, handlers, type Dispatcher } from '../../../services/api.js';
import { openCounterStore, type OpenedStore } from '../../../services/store.js';
import { uuidv7 } from '../../../domain/uuid7.js';
import {
  CALL_CHANNEL,
  createIpcHandler,
  createPrintHandlers,
  MAX_PRINT_HTML_BYTES,
  PDF_CHANNEL,
  PRINT_CHANNEL,
  registerIpc,
  type IpcCallHandler,
  type ReceiptPrinter,
} from '../../../electron/ipc.js';
import { isTrustedSender } from '../../../electron/security.js';

const APP_FRAME = { senderFrame: { url: 'app://postdesk/index.html' } };
const FOREIGN_FRAMES = [
  { senderFrame: { url: 'https://evil.example/' } },
  { senderFrame: { url: 'file:///tmp/index.html' } },
  { senderFrame: { url: 'app://evil/index.html' } },
  { senderFrame: { url: 'http://127.0.0.1:5180/' } },
  { senderFrame: { url: 'about:blank' } },
  { senderFrame: null },
  {},
];

let tmp: string;
let store: OpenedStore;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postdesk-ipc-'));
  store = openCounterStore(tmp);
});

afterEach(() => {
  vi.restoreAllMocks();
  store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const quiet = () => {};

function countRows(table: string): number {
  return (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

const WRITTEN_TABLES = ['receipts', 'receipt_items', 'tenders', 'ledger_transactions', 'postings', 'audit_log', 'outbox'];
function snapshot(): Record<string, number> {
  return Object.fromEntries(WRITTEN_TABLES.map((t) => [t, countRows(t)]));
}

async function ok<T>(p: Promise<unknown>): Promise<T> {
  const r = (await p) as { ok: boolean; value?: T; error?: unknown };
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
}

/** Sets the counter up, signs the supervisor in and opens a till with 1,000 RSD, all through the IPC handler. */
async function signedInWithOpenTill(call: IpcCallHandler): Promise<string> {
  await ok(call(APP_FRAME, 'setup.init', { branchCode: '11000', counterNo: 1, supervisor: { personalNo: '1001', name: 'Мира Петровић', pin: '2468' } }, null));
  const { sessionToken } = await ok<{ sessionToken: string }>(call(APP_FRAME, 'auth.signIn', { personalNo: '1001', pin: '2468' }, null));
  await ok(call(APP_FRAME, 'till.open', { count: [{ valuePara: 100000, form: 'note', quantity: 1 }] }, sessionToken));
  return sessionToken;
}

const ITEMS = [{ kind: 'postal_fee', tariffCode: 'FORM', quantity: 2 }];

/** A checkout the handler would accept: the total comes from a quote, the cash is 40 RSD more. */
async function validCheckout(call: IpcCallHandler, session: string) {
  const { totalPara } = await ok<{ totalPara: number }>(call(APP_FRAME, 'counter.quote', { items: ITEMS }, session));
  return { operationId: uuidv7(), items: ITEMS, tenders: [{ type: 'cash', amountPara: totalPara + 4000 }], expectedTotalPara: totalPara };
}

describe('the IPC call handler', () => {
  it('refuses a call from a frame that is not the app’s own origin with ORIGIN_FORBIDDEN, before the dispatcher', async () => {
    const dispatcher: Dispatcher = { call: vi.fn(async () => ({ ok: true as const, value: 'reached' })) };
    const call = createIpcHandler(dispatcher, isTrustedSender, quiet);
    for (const frame of FOREIGN_FRAMES) {
      const r = await call(frame, 'system.info', {}, null);
      expect(r, JSON.stringify(frame)).toEqual({ ok: false, error: { code: 'ORIGIN_FORBIDDEN', message: expect.any(String) } });
    }
    expect(dispatcher.call).not.toHaveBeenCalled();
  });

  it('refuses a method that is not a string and a session that is neither a string nor null, before the dispatcher', async () => {
    const dispatcher: Dispatcher = { call: vi.fn(async () => ({ ok: true as const, value: 'reached' })) };
    const call = createIpcHandler(dispatcher, isTrustedSender, quiet);
    for (const method of [undefined, null, 42, ['system.info'], { toString: () => 'system.info' }]) {
      const r = await call(APP_FRAME, method, {}, null);
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'method' } });
    }
    for (const session of [undefined, 7, { token: 'x' }, ['x'], true]) {
      const r = await call(APP_FRAME, 'system.info', {}, session);
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'session' } });
    }
    expect(dispatcher.call).not.toHaveBeenCalled();
  });

  it('passes method, input and session unchanged to the dispatcher', async () => {
    const dispatcher: Dispatcher = { call: vi.fn(async () => ({ ok: true as const, value: 'reached' })) };
    const call = createIpcHandler(dispatcher, isTrustedSender, quiet);
    const input = { a: 1 };
    expect(await call(APP_FRAME, 'receipts.get', input, 'tok')).toEqual({ ok: true, value: 'reached' });
    expect(dispatcher.call).toHaveBeenCalledWith('receipts.get', input, 'tok');
  });

  it('turns a dispatcher that throws into INTERNAL without a stack', async () => {
    const dispatcher: Dispatcher = {
      call: async () => {
        throw new Error('boom at /secret/path.ts:1');
      },
    };
    const r = await createIpcHandler(dispatcher, isTrustedSender, quiet)(APP_FRAME, 'system.info', {}, null);
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(r)).not.toContain('/secret/path.ts');
  });

  it('refuses an invalid checkout with VALIDATION_FAILED before any handler code runs, and writes nothing', async () => {
    const call = createIpcHandler(createDispatcher(store, { log: quiet }), isTrustedSender, quiet);
    const session = await signedInWithOpenTill(call);
    const checkout = vi.spyOn(handlers, 'counter.checkout');
    const before = snapshot();

    const good = await validCheckout(call, session);
    const invalid: unknown[] = [
      undefined,
      null,
      'checkout',
      [],
      {},
      { ...good, operationId: 'not-a-uuid' },
      { ...good, operationId: '0190c6c2-8a3e-4b4b-8c1d-1234567890ab' },
      { ...good, items: [] },
      { ...good, items: [{ kind: 'postal_fee', tariffCode: 'FORM', quantity: 0 }] },
      { ...good, items: [{ kind: 'postal_fee', tariffCode: 'form; DROP TABLE receipts', quantity: 1 }] },
      { ...good, items: [{ kind: 'unknown_kind', quantity: 1 }] },
      { ...good, tenders: [] },
      { ...good, tenders: [{ type: 'cash', amountPara: 10000.5 }] },
      { ...good, tenders: [{ type: 'cash', amountPara: -1 }] },
      { ...good, tenders: [{ type: 'cheque', amountPara: 10000 }] },
      { ...good, expectedTotalPara: '6000' },
      { ...good, expectedTotalPara: Number.MAX_SAFE_INTEGER + 2 },
      { ...good, extra: true },
      JSON.parse(JSON.stringify(good).replace(/^\{/, '{"__proto__":{"admin":true},')),
    ];
    for (const payload of invalid) {
      const r = await call(APP_FRAME, 'counter.checkout', payload, session);
      expect(r, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(checkout).not.toHaveBeenCalled();
    expect(snapshot()).toEqual(before);
    expect(countRows('receipts')).toBe(0);

    // The same path with a valid payload does reach the handler and writes one receipt.
    const receipt = await ok<{ number: string; changePara: number }>(call(APP_FRAME, 'counter.checkout', good, session));
    expect(checkout).toHaveBeenCalledOnce();
    expect(receipt.changePara).toBe(4000);
    expect(countRows('receipts')).toBe(1);
  });

  it('validates the input before it looks at the session: an invalid payload without a session is VALIDATION_FAILED', async () => {
    const call = createIpcHandler(createDispatcher(store, { log: quiet }), isTrustedSender, quiet);
    const session = await signedInWithOpenTill(call);
    const good = await validCheckout(call, session);
    const checkout = vi.spyOn(handlers, 'counter.checkout');
    expect(await call(APP_FRAME, 'counter.checkout', { nonsense: 1 }, null)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(APP_FRAME, 'counter.checkout', good, null)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await call(APP_FRAME, 'no.such.method', {}, null)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(checkout).not.toHaveBeenCalled();
  });
});

describe('the IPC print handlers', () => {
  function printer(): ReceiptPrinter & { print: ReturnType<typeof vi.fn>; printToPdf: ReturnType<typeof vi.fn> } {
    return { print: vi.fn(async () => ({ printed: true })), printToPdf: vi.fn(async () => Buffer.from('%PDF-1.7')) };
  }

  it('refuse a foreign sender and print nothing', async () => {
    const p = printer();
    const h = createPrintHandlers(p, isTrustedSender, quiet);
    for (const frame of FOREIGN_FRAMES) {
      expect(await h.print(frame, '<p>x</p>')).toMatchObject({ ok: false, error: { code: 'ORIGIN_FORBIDDEN' } });
      expect(await h.printToPdf(frame, '<p>x</p>')).toMatchObject({ ok: false, error: { code: 'ORIGIN_FORBIDDEN' } });
    }
    expect(p.print).not.toHaveBeenCalled();
    expect(p.printToPdf).not.toHaveBeenCalled();
  });

  it('refuse a document that is not a string, is empty or is over 1 MiB', async () => {
    const p = printer();
    const h = createPrintHandlers(p, isTrustedSender, quiet);
    for (const html of [undefined, null, 42, { html: '<p>' }, '', '   ']) {
      expect(await h.print(APP_FRAME, html)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'html' } });
    }
    expect(await h.printToPdf(APP_FRAME, 'ш'.repeat(MAX_PRINT_HTML_BYTES / 2 + 1))).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(p.print).not.toHaveBeenCalled();
    expect(p.printToPdf).not.toHaveBeenCalled();
  });

  it('print, and return the PDF as base64', async () => {
    const p = printer();
    const h = createPrintHandlers(p, isTrustedSender, quiet);
    expect(await h.print(APP_FRAME, '<p>receipt</p>')).toEqual({ ok: true, value: { printed: true } });
    expect(p.print).toHaveBeenCalledWith('<p>receipt</p>');
    expect(await h.printToPdf(APP_FRAME, '<p>receipt</p>')).toEqual({ ok: true, value: { pdfBase64: Buffer.from('%PDF-1.7').toString('base64') } });
  });

  it('report a printer failure as PRINT_FAILED', async () => {
    const p = printer();
    p.print.mockRejectedValueOnce(new Error('no printer'));
    const h = createPrintHandlers(p, isTrustedSender, quiet);
    expect(await h.print(APP_FRAME, '<p>x</p>')).toMatchObject({ ok: false, error: { code: 'PRINT_FAILED' } });
  });
});

describe('registerIpc', () => {
  function fakeIpcMain() {
    const channels = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    return {
      channels,
      handle: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
        channels.set(channel, listener);
      }),
      removeHandler: vi.fn((channel: string) => {
        channels.delete(channel);
      }),
    };
  }

  it('registers the call channel, and the print channels when a printer is given, and removes them again', async () => {
    const ipc = fakeIpcMain();
    const dispatcher: Dispatcher = { call: vi.fn(async () => ({ ok: true as const, value: 1 })) };
    const off = registerIpc(ipc, dispatcher, { isTrustedSender, log: quiet });
    expect([...ipc.channels.keys()]).toEqual([CALL_CHANNEL]);
    off();
    expect(ipc.channels.size).toBe(0);

    const p = { print: vi.fn(async () => ({ printed: true })), printToPdf: vi.fn(async () => Buffer.from('')) };
    const off2 = registerIpc(ipc, dispatcher, { isTrustedSender, printer: p, log: quiet });
    expect([...ipc.channels.keys()].sort()).toEqual([CALL_CHANNEL, PDF_CHANNEL, PRINT_CHANNEL].sort());
    expect(await ipc.channels.get(CALL_CHANNEL)!(APP_FRAME, 'system.info', {}, null)).toEqual({ ok: true, value: 1 });
    expect(await ipc.channels.get(CALL_CHANNEL)!({ senderFrame: { url: 'https://evil.example/' } }, 'system.info', {}, null)).toMatchObject({ ok: false, error: { code: 'ORIGIN_FORBIDDEN' } });
    expect(await ipc.channels.get(PRINT_CHANNEL)!(APP_FRAME, '<p>x</p>')).toEqual({ ok: true, value: { printed: true } });
    off2();
    expect(ipc.channels.size).toBe(0);
  });
});
