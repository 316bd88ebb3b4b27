/**
 * The central sync service over HTTP: enrollment, signed batch push, and the
 * pull feed of reference data and status updates. Every answer is the app's
 * envelope, {ok:true,value} or {ok:false,error:{code,message}}; an answer to
 * an authenticated request is signed with the device's secret and bound to the
 * request's nonce.
 */
import http from 'node:http';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { gunzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import {
  EnrollRequestSchema,
  MAX_CLOCK_SKEW_MS,
  MAX_EVENT_PAYLOAD_BYTES,
  NONCE_RE,
  NONCE_RETENTION_MS,
  PullQuerySchema,
  PushBatchEnvelopeSchema,
  SYNC_HEADERS,
  SYNC_PATHS,
  SYNC_PROTOCOL_VERSION,
  batchItems,
  canonicalRequest,
  canonicalResponse,
  clockSkewMessage,
  normalizeEnrollCode,
  validatePushEvent,
  type EnrollAnswer,
  type PullPage,
  type PushAnswer,
  type PushEvent,
  type RejectedEvent,
} from '../domain/sync.js';
import type { CentralStorage, CrashHook, DeviceRecord } from './storage.js';

const gunzipAsync = promisify(gunzip);

export interface SyncServerOptions {
  storage: CentralStorage;
  /** The server's clock (tests move it). */
  now?: () => Date;
  /** Largest request body accepted as sent (compressed). Default 8 MiB. */
  maxBodyBytes?: number;
  /** Largest request body after gunzip. Default 32 MiB. */
  maxInflatedBytes?: number;
  /** Largest single event payload. Default MAX_EVENT_PAYLOAD_BYTES. */
  maxEventPayloadBytes?: number;
  /** Where request failures are reported (never to the client). Default stderr. */
  log?: (line: string) => void;
  crashHook?: CrashHook;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

interface Signer {
  secret: string;
  nonce: string;
}

export function sha256Hex(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

export function createSyncHandler(opts: SyncServerOptions): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const storage = opts.storage;
  const now = opts.now ?? (() => new Date());
  const maxBody = opts.maxBodyBytes ?? 8 * 1024 * 1024;
  const maxInflated = opts.maxInflatedBytes ?? 32 * 1024 * 1024;
  const maxPayload = opts.maxEventPayloadBytes ?? MAX_EVENT_PAYLOAD_BYTES;
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));

  async function authenticate(req: http.IncomingMessage, pathWithQuery: string, raw: Buffer): Promise<{ device: DeviceRecord; signer: Signer }> {
    const h = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const deviceId = h(SYNC_HEADERS.device);
    const timestamp = h(SYNC_HEADERS.timestamp);
    const nonce = h(SYNC_HEADERS.nonce);
    const signature = h(SYNC_HEADERS.signature);
    if (!deviceId || !timestamp || !nonce || !signature) {
      throw new HttpError(401, 'SYNC_AUTH_REQUIRED', 'The request is not signed: device, timestamp, nonce and signature headers are required.');
    }
    const device = await storage.getDevice(deviceId);
    if (!device || device.revokedAt) {
      throw new HttpError(401, 'SYNC_UNKNOWN_DEVICE', `The central server does not know device "${deviceId.slice(0, 100)}". Enroll this counter again with a new code.`);
    }
    const expected = hmacHex(device.secret, canonicalRequest({ method: req.method ?? 'GET', path: pathWithQuery, timestamp, nonce, bodySha256: sha256Hex(raw) }));
    const a = Buffer.from(expected, 'hex');
    const b = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new HttpError(401, 'SYNC_BAD_SIGNATURE', 'The request signature does not match: the request was altered on the way, or the device secret is wrong.');
    }
    const signer = { secret: device.secret, nonce };
    const serverNow = now();
    const deviceMs = Date.parse(timestamp);
    if (Number.isNaN(deviceMs) || Math.abs(deviceMs - serverNow.getTime()) > MAX_CLOCK_SKEW_MS) {
      const serverIso = serverNow.toISOString();
      const message = Number.isNaN(deviceMs) ? `The request's timestamp "${timestamp.slice(0, 40)}" is not a time (central server: ${serverIso}).` : clockSkewMessage(new Date(deviceMs).toISOString(), serverIso);
      throw Object.assign(new HttpError(401, 'SYNC_CLOCK_SKEW', message, { deviceTime: timestamp, serverTime: serverIso, skewMs: Number.isNaN(deviceMs) ? null : deviceMs - serverNow.getTime() }), { signer });
    }
    if (!NONCE_RE.test(nonce)) throw Object.assign(new HttpError(401, 'SYNC_AUTH_REQUIRED', 'The request nonce must be 16 to 128 letters, digits, - or _.'), { signer });
    const fresh = await storage.useNonce(device.id, nonce, serverNow.toISOString(), new Date(serverNow.getTime() - NONCE_RETENTION_MS).toISOString());
    if (!fresh) throw Object.assign(new HttpError(409, 'SYNC_REPLAY', 'This exact request was received before (same nonce); a replayed request is refused. A genuine retry signs again with a new nonce.'), { signer });
    return { device, signer };
  }

  async function decodeJson(req: http.IncomingMessage, raw: Buffer, malformed: (reason: string) => HttpError): Promise<unknown> {
    let text: Buffer = raw;
    const enc = (req.headers['content-encoding'] ?? 'identity').toString().toLowerCase();
    if (enc === 'gzip') {
      try {
        text = await gunzipAsync(raw, { maxOutputLength: maxInflated });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
          throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxInflated} bytes once decompressed; send smaller batches.`);
        }
        throw malformed('the body is not valid gzip');
      }
    } else if (enc !== 'identity') {
      throw malformed(`content encoding "${enc}" is not supported (gzip or none)`);
    }
    try {
      return JSON.parse(text.toString('utf8')) as unknown;
    } catch {
      throw malformed('the body is not valid JSON');
    }
  }

  async function push(req: http.IncomingMessage, raw: Buffer, device: DeviceRecord): Promise<PushAnswer> {
    const malformed = (reason: string, rejected: RejectedEvent[] = []) => new HttpError(422, 'SYNC_MALFORMED', `The batch was refused as malformed: ${reason}.`, { rejected });
    const body = await decodeJson(req, raw, (r) => malformed(r));
    const env = PushBatchEnvelopeSchema.safeParse(body);
    if (!env.success) {
      const i = env.error.issues[0];
      throw malformed(`${i?.path.join('.') || 'batch'}: ${i?.message ?? 'invalid'}`);
    }
    if (env.data.device !== device.id) throw malformed(`the batch names device "${env.data.device}" but was signed by "${device.id}"`);
    const events: PushEvent[] = [];
    const rejected: RejectedEvent[] = [];
    env.data.events.forEach((raw, index) => {
      const v = validatePushEvent(raw, maxPayload);
      if (v.ok) events.push(v.event);
      else rejected.push(v.seq === undefined ? { index, reason: v.reason } : { index, seq: v.seq, reason: v.reason });
    });
    if (rejected.length > 0) throw malformed(`${rejected.length} event(s) cannot be accepted (first: ${rejected[0]!.reason})`, rejected);
    const built = batchItems(events, env.data.setAside ?? []);
    if ('error' in built) {
      const index = env.data.events.findIndex((e) => (e as { seq?: unknown }).seq === built.seq);
      throw malformed(built.error, [{ index: Math.max(index, 0), seq: built.seq, reason: built.error }]);
    }
    const out = await storage.pushBatch(device.id, built.items, now().toISOString());
    switch (out.kind) {
      case 'ok': {
        opts.crashHook?.('push-after-commit');
        const answer: PushAnswer = { ackedThrough: out.ackedThrough };
        if (out.expected !== undefined) answer.expected = out.expected;
        return answer;
      }
      case 'gap':
        throw new HttpError(409, 'SYNC_GAP', `The central server holds this counter's events up to ${out.ackedThrough} and expects ${out.expected} next; the batch started at ${built.items[0]!.seq}. Resend from ${out.expected}.`, { ackedThrough: out.ackedThrough, expected: out.expected });
      case 'conflict':
        throw new HttpError(409, 'SYNC_SEQ_CONFLICT', `Event ${out.seq} of this counter is already held centrally as a different event (${out.storedId}, now ${out.sentId}). The counter's outbox was probably restored from an older backup; the batch was not stored. Call support before selling further.`, { seq: out.seq, storedId: out.storedId, sentId: out.sentId, ackedThrough: out.ackedThrough });
      case 'unknown_device':
        throw new HttpError(401, 'SYNC_UNKNOWN_DEVICE', `The central server does not know device "${device.id}".`);
    }
  }

  async function pull(url: URL, device: DeviceRecord): Promise<PullPage> {
    const q = PullQuerySchema.safeParse({ after: url.searchParams.get('after') ?? '0', limit: url.searchParams.get('limit') ?? undefined });
    if (!q.success) throw new HttpError(400, 'VALIDATION_FAILED', `The pull query is invalid: ${q.error.issues[0]?.message ?? 'invalid'}.`);
    const rows = await storage.readFeed(device.branch, q.data.after, q.data.limit + 1);
    const more = rows.length > q.data.limit;
    const items = more ? rows.slice(0, q.data.limit) : rows;
    return { items, next: items.length > 0 ? items[items.length - 1]!.cursor : q.data.after, more, serverTime: now().toISOString() };
  }

  async function enroll(req: http.IncomingMessage, raw: Buffer): Promise<EnrollAnswer> {
    const body = await decodeJson(req, raw, (r) => new HttpError(400, 'BAD_JSON', `The enrollment request is unreadable: ${r}.`));
    const parsed = EnrollRequestSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'VALIDATION_FAILED', `The enrollment request is invalid: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`);
    const r = parsed.data;
    const outcome = await storage.redeemEnrollment({
      codeHash: enrollCodeHash(r.code),
      clientKey: r.clientKey,
      ...(r.branch !== undefined ? { branch: r.branch } : {}),
      ...(r.counter !== undefined ? { counter: r.counter } : {}),
      ...(r.previousDevice !== undefined ? { previousDevice: r.previousDevice } : {}),
      now: now().toISOString(),
      newDeviceId: `dev-${randomBytes(8).toString('hex')}`,
      newSecret: randomBytes(32).toString('base64url'),
    });
    switch (outcome.kind) {
      case 'ok':
        return { deviceId: outcome.device.id, secret: outcome.device.secret, branch: outcome.device.branch, counter: outcome.device.counter, ackedThrough: outcome.device.ackedThrough, serverTime: now().toISOString() };
      case 'invalid':
        throw new HttpError(400, 'SYNC_ENROLL_INVALID', 'The central server does not know this enrollment code. Check it was typed correctly, or ask the central operator for a new one.');
      case 'used':
        throw new HttpError(409, 'SYNC_ENROLL_USED', 'This enrollment code has already been used. Ask the central operator for a new one.');
      case 'expired':
        throw new HttpError(410, 'SYNC_ENROLL_EXPIRED', `This enrollment code expired at ${outcome.expiresAt}. Ask the central operator for a new one.`, { expiresAt: outcome.expiresAt });
      case 'mismatch':
        throw new HttpError(400, 'SYNC_ENROLL_INVALID', `This enrollment code was issued for branch ${outcome.branch}, counter ${outcome.counter}, not for this counter. The code was not used up.`, { branch: outcome.branch, counter: outcome.counter });
    }
  }

  function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, envelope: unknown, signer: Signer | null): void {
    let body: Buffer = Buffer.from(JSON.stringify(envelope), 'utf8');
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    if (body.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    if (signer) headers[SYNC_HEADERS.signature] = hmacHex(signer.secret, canonicalResponse({ nonce: signer.nonce, status, bodySha256: sha256Hex(body) }));
    headers['content-length'] = body.length;
    // An unread request body (a 413) is drained by Node after this answer, so the client finishes sending and reads it.
    res.writeHead(status, headers);
    res.end(body);
  }

  return (req, res) => {
    const started = Date.now();
    let signer: Signer | null = null;
    const run = async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = `${req.method} ${url.pathname}`;
      if (route === `GET ${SYNC_PATHS.health}`) {
        send(req, res, 200, { ok: true, value: { serverTime: now().toISOString(), protocol: SYNC_PROTOCOL_VERSION, storage: storage.kind } }, null);
        return;
      }
      if (route !== `POST ${SYNC_PATHS.enroll}` && route !== `POST ${SYNC_PATHS.push}` && route !== `GET ${SYNC_PATHS.pull}`) {
        throw new HttpError(404, 'NOT_FOUND', `There is no ${req.method} ${url.pathname} on the sync server.`);
      }
      const raw = await readBody(req, route === `POST ${SYNC_PATHS.enroll}` ? 64 * 1024 : maxBody);
      if (route === `POST ${SYNC_PATHS.enroll}`) {
        send(req, res, 200, { ok: true, value: await enroll(req, raw) }, null);
        return;
      }
      const auth = await authenticate(req, req.url ?? url.pathname, raw);
      signer = auth.signer;
      const value = route === `POST ${SYNC_PATHS.push}` ? await push(req, raw, auth.device) : await pull(url, auth.device);
      send(req, res, 200, { ok: true, value }, signer);
    };
    run().catch((e: unknown) => {
      if (e instanceof BodyAborted) {
        // The client (or a cut line) went away mid-body: nothing was stored and nobody is listening.
        res.destroy();
        return;
      }
      if (res.headersSent || res.destroyed) {
        log(`sync-server: ${req.method} ${req.url} failed after the answer started: ${String(e)}`);
        res.destroy();
        return;
      }
      if (e instanceof HttpError) {
        const s = (e as HttpError & { signer?: Signer }).signer ?? signer;
        const error: Record<string, unknown> = { code: e.code, message: e.message };
        if (e.details) error.details = e.details;
        send(req, res, e.status, { ok: false, error }, s);
        if (e.status >= 500 || e.code === 'SYNC_SEQ_CONFLICT') log(`sync-server: ${req.method} ${req.url} ${e.status} ${e.code} ${e.message}`);
        return;
      }
      log(`sync-server: ${req.method} ${req.url} failed in ${Date.now() - started} ms: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(req, res, 500, { ok: false, error: { code: 'INTERNAL', message: 'The sync server failed to handle the request; it was not stored. Try again later.' } }, signer);
    });
  };
}

class BodyAborted extends Error {}

/** Reads the whole body, refusing more than limit bytes (413) and rejecting if the client goes away mid-body. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is ${declared} bytes; the limit is ${limit}. Send smaller batches.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${limit} bytes. Send smaller batches.`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('aborted', () => {
      if (done) return;
      done = true;
      reject(new BodyAborted('the client went away before the body was complete'));
    });
    req.on('error', (e) => {
      if (done) return;
      done = true;
      reject(new BodyAborted(e.message));
    });
    req.on('close', () => {
      if (done) return;
      if (!req.complete) {
        done = true;
        reject(new BodyAborted('the connection closed before the body was complete'));
      }
    });
  });
}

export function enrollCodeHash(code: string): string {
  return sha256Hex(`postdesk-enroll:${normalizeEnrollCode(code)}`);
}

export interface RunningSyncServer {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** Starts the service on host:port (127.0.0.1 and a free port by default). */
export async function startSyncServer(opts: SyncServerOptions & { host?: string; port?: number }): Promise<RunningSyncServer> {
  const server = http.createServer(createSyncHandler(opts));
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
