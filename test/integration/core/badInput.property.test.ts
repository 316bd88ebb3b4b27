/**
 * Bad input: for every method of the API contract (METHOD_NAMES, so a new
 * method is covered without touching this file), fast-check sends malformed
 * payloads through both transports — browser mode's HTTP and the dispatcher
 * the Electron IPC handler calls — as a signed-in supervisor with an open
 * till. Every answer must be a typed error from the stable set (never
 * INTERNAL, never a stack), the HTTP status a 4xx, and the database exactly
 * as it was: not one row anywhere may change, sessions included.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES, api, type MethodName } from '../../../domain/api.js';
import { ERROR_CODES, type ErrorInfo, type Result } from '../../../domain/errors.js';
import { uuidv7 } from '../../../domain/uuid7.js';
import { createDispatcher, validateInput, type Dispatcher } from '../../../services/api.js';
import { startBrowserMode, type BrowserMode } from '../../../services/browserMode.js';
import { BASKET, BASKET_TOTAL, FLOAT, SUPERVISOR, dbDigest, rawRequest, setUpCounter, removeTempDirs, tempDir } from '../../fixtures/counter.js';
import { POLLUTION_KEYS, junk, malformedFor } from '../../fixtures/malformed.js';

const RUNS_PER_METHOD = Number(process.env.POSTDESK_FC_RUNS ?? 120);
const MAX_BODY = 1024 * 1024;
const token = 'launch-token-bad-input';
const STABLE = new Set<string>(ERROR_CODES);
const STACK = /\n\s+at |node_modules|[\w/\\]+\.(?:ts|js|mjs|cjs):\d+|\bError:/;

let mode: BrowserMode;
let dispatcher: Dispatcher;
let session: string;
let baseline: string;
const logged: string[] = [];
/** How many payloads actually went over HTTP, so a filter cannot quietly skip that transport. */
let httpSent = 0;
const changes = () => (mode.store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

/** What the dispatcher itself does first: a payload that passes this is not malformed. */
function isValid(method: string, payload: unknown): boolean {
  try {
    validateInput(method, payload);
    return true;
  } catch {
    return false;
  }
}

function expectTypedError(error: ErrorInfo | undefined, where: string): void {
  expect(error, where).toBeDefined();
  expect(STABLE.has(error!.code), `${where}: code ${error!.code} is not a stable code`).toBe(true);
  expect(error!.code, where).not.toBe('INTERNAL');
  expect(typeof error!.message, where).toBe('string');
  expect(error!.message.length, where).toBeGreaterThan(0);
  expect(STACK.test(JSON.stringify(error)), `${where}: a stack or file path in ${JSON.stringify(error).slice(0, 300)}`).toBe(false);
}

async function viaDispatcher(method: string, payload: unknown): Promise<void> {
  const before = changes();
  const answer = await dispatcher.call(method, payload, session);
  const where = `dispatcher ${method}`;
  expect(answer.ok, where).toBe(false);
  expectTypedError((answer as { error?: ErrorInfo }).error, where);
  expect((answer as { error: ErrorInfo }).error.code, where).toBe(isMethod(method) ? 'VALIDATION_FAILED' : 'UNKNOWN_METHOD');
  expect(changes(), `${where}: the database was written`).toBe(before);
}

function isMethod(m: string): m is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(m);
}

async function viaHttp(method: string, payload: unknown): Promise<void> {
  let body: string | undefined;
  try {
    body = JSON.stringify(payload);
  } catch {
    return; // not JSON at all (a BigInt): only the IPC path can carry it
  }
  const arrives = body === undefined ? undefined : (JSON.parse(body) as unknown);
  if (isMethod(method) && isValid(method, arrives)) return; // JSON made it valid (e.g. an undefined field dropped)
  const url = new URL(`/api/${encodeURIComponent(method)}`, mode.http.url);
  // The client itself resolves names like "." and ".." out of the path; the server then sees another path.
  const pathKept = url.pathname === `/api/${encodeURIComponent(method)}`;
  const before = changes();
  httpSent++;
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-postdesk-session': session },
    body: body ?? '',
  });
  const answer = (await res.json()) as Result<unknown>;
  const where = `HTTP ${method} (${res.status})`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  expect(answer.ok, where).toBe(false);
  const error = (answer as { error: ErrorInfo }).error;
  expectTypedError(error, where);
  expect(changes(), `${where}: the database was written`).toBe(before);
  if (!pathKept) {
    expect(['UNKNOWN_METHOD', 'NOT_FOUND'], where).toContain(error.code);
    return;
  }
  const tooLarge = Buffer.byteLength(body ?? '') > MAX_BODY;
  const want = tooLarge ? 'PAYLOAD_TOO_LARGE' : isMethod(method) ? 'VALIDATION_FAILED' : 'UNKNOWN_METHOD';
  expect(error.code, where).toBe(want);
  expect(res.status, where).toBe(tooLarge ? 413 : isMethod(method) ? 400 : 404);
  expect(changes(), `${where}: the database was written`).toBe(before);
}

beforeAll(async () => {
  mode = await startBrowserMode({ dataDir: tempDir('badinput'), port: 0, token, log: (level, msg, extra) => logged.push(`${level} ${msg} ${JSON.stringify(extra ?? {})}`) });
  setUpCounter(mode.store);
  dispatcher = createDispatcher(mode.store, { log: (level, msg, extra) => logged.push(`${level} ${msg} ${JSON.stringify(extra ?? {})}`) });
  const signedIn = await dispatcher.call('auth.signIn', { personalNo: SUPERVISOR.personalNo, pin: SUPERVISOR.pin }, null);
  if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.code}`);
  session = (signedIn.value as { sessionToken: string }).sessionToken;
  const till = await dispatcher.call('till.open', { count: FLOAT }, session);
  if (!till.ok) throw new Error(`till.open failed: ${till.error.code}`);
  // One sale, so receipts, postings and the outbox have rows a careless handler could touch.
  const sale = await dispatcher.call('counter.checkout', { operationId: uuidv7(), items: BASKET, tenders: [{ type: 'cash', amountPara: 50000 }], expectedTotalPara: BASKET_TOTAL }, session);
  if (!sale.ok) throw new Error(`checkout failed: ${sale.error.code}`);
  baseline = dbDigest(mode.store.db);
});

afterEach(() => {
  expect(dbDigest(mode.store.db), 'a row changed somewhere in the database').toBe(baseline);
  expect(logged, 'the dispatcher logged an internal error').toEqual([]);
});

afterAll(async () => {
  await mode?.stop();
  removeTempDirs();
});

describe('malformed payloads for every API method, through HTTP and the dispatcher', () => {
  it('covers every method of the contract', () => {
    expect(METHOD_NAMES.length).toBeGreaterThanOrEqual(28);
    for (const m of METHOD_NAMES) expect(api[m].input, m).toBeDefined();
  });

  for (const method of METHOD_NAMES) {
    it(`${method}: every malformed payload is a typed error and changes nothing`, async () => {
      const schema = api[method].input;
      httpSent = 0;
      await fc.assert(
        fc.asyncProperty(
          malformedFor(schema).filter((p) => !isValid(method, p)),
          async (payload) => {
            await viaDispatcher(method, payload);
            await viaHttp(method, payload);
          },
        ),
        { numRuns: RUNS_PER_METHOD },
      );
      expect(httpSent, 'payloads sent over HTTP').toBeGreaterThanOrEqual(RUNS_PER_METHOD * 0.8);
      // Values that only the IPC path (structured clone) can carry: NaN, Infinity, -0, BigInt, Date, Map, undefined …
      await fc.assert(
        fc.asyncProperty(malformedFor(schema, true).filter((p) => !isValid(method, p)), async (payload) => viaDispatcher(method, payload)),
        { numRuns: Math.ceil(RUNS_PER_METHOD / 2) },
      );
    });
  }

  it('answers UNKNOWN_METHOD for names outside the contract, prototype names included', async () => {
    const names = fc.oneof(
      fc.constantFrom('', '.', '..', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'system', 'system.', '.info', 'System.info', 'system.info ', 'system.info/', 'counter/checkout', 'counter.checkout.x', 'x'.repeat(5000)),
      fc.stringMatching(/^[a-zA-Z_.$-]{1,40}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        names.filter((n) => !isMethod(n)),
        junk(),
        async (name, payload) => {
          await viaDispatcher(name, payload);
          await viaHttp(name, payload);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('raw HTTP junk', () => {
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(mode.http.port, { path, body, headers: { host: `127.0.0.1:${mode.http.port}`, authorization: `Bearer ${token}`, 'x-postdesk-session': session, 'content-type': 'application/json', ...headers } });

  it('answers BAD_JSON (400) for a body that is not JSON', async () => {
    for (const body of ['{', '{"a":}', "{'a':1}", 'undefined', 'NaN', '\u00ef\u00bb\u00bf{}', '{}garbage', '[1,]', '"unterminated', 'tru', Buffer.from([0xff, 0xfe, 0x00, 0x7b])]) {
      const r = await post('/api/till.status', body);
      expect(r.status, String(body)).toBe(400);
      const answer = JSON.parse(r.text) as Result<unknown>;
      expect(answer).toEqual({ ok: false, error: { code: 'BAD_JSON', message: expect.any(String) } });
    }
  });

  it('answers PAYLOAD_TOO_LARGE (413) for a body over 1 MiB, and stays up', async () => {
    for (const size of [MAX_BODY + 1, 3 * MAX_BODY]) {
      const r = await post('/api/counter.quote', Buffer.alloc(size, 0x20));
      expect(r.status, String(size)).toBe(413);
      expect(JSON.parse(r.text)).toEqual({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    }
    const justUnder = await post('/api/till.status', `{}${' '.repeat(MAX_BODY - 2)}`);
    expect(justUnder.status).toBe(200);
    // fetch, as the renderer sends, gets the 413 too.
    const res = await fetch(`${mode.http.url}/api/counter.quote`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ items: 'x'.repeat(2 * MAX_BODY) }) });
    expect(res.status).toBe(413);
    expect((await post('/api/system.info', '{}')).status).toBe(200);
  });

  it('answers UNKNOWN_METHOD (404) for an unknown method and for GET on the API', async () => {
    for (const path of ['/api/nope', '/api/', '/api/__proto__', '/api/constructor', '/api/system.info/extra', '/api/system%2Einfo', '/api/../api/system.info.x']) {
      const r = await post(path, '{}');
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.text).error.code, path).toBe('UNKNOWN_METHOD');
    }
    const get = await rawRequest(mode.http.port, { method: 'GET', path: '/api/system.info', headers: { host: `127.0.0.1:${mode.http.port}`, authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(JSON.parse(get.text).error.code).toBe('UNKNOWN_METHOD');
  });

  it('survives deeply nested JSON without a stack overflow reaching the answer', async () => {
    for (const depth of [10_000, 100_000]) {
      const r = await post('/api/counter.quote', `{"items":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      expect(r.status, String(depth)).toBeGreaterThanOrEqual(400);
      expect(r.status, String(depth)).toBeLessThan(500);
      const answer = JSON.parse(r.text) as { ok: false; error: ErrorInfo };
      expectTypedError(answer.error, `depth ${depth}`);
    }
  });

  it('leaves Object.prototype unpolluted after all of it', () => {
    const probe: Record<string, unknown> = {};
    for (const k of ['polluted', 'isAdmin', 'role']) expect(probe[k], k).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(POLLUTION_KEYS.length).toBe(3);
  });
});
