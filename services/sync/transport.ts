/**
 * One HTTP exchange with the central server: sign the request with the device
 * key, send it (gzip body), read the answer envelope and check the answer's
 * signature. Network trouble becomes SYNC_UNREACHABLE in words; nothing here
 * retries (the agent does).
 */
import http from 'node:http';
import https from 'node:https';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { AppError } from '../../domain/errors.js';
import { EnvelopeSchema, SYNC_HEADERS, canonicalRequest, canonicalResponse, type Envelope } from '../../domain/sync.js';

const gunzipAsync = promisify(gunzip);

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
};

export interface DeviceKey {
  deviceId: string;
  secret: string;
}

export interface Exchange {
  serverUrl: string;
  method: 'GET' | 'POST';
  /** Path below the server URL, with its query string: "/v1/pull?after=3". */
  path: string;
  body?: Buffer;
  /** The body is gzip-compressed. */
  gzip?: boolean;
  /** Signs the request and requires a signed answer to count it as verified. */
  key?: DeviceKey;
  /** The counter's clock, for the timestamp. */
  now: Date;
  timeoutMs: number;
}

export interface Answer {
  status: number;
  envelope: Envelope;
  /** The answer carried a valid signature for this request (always false for unsigned requests). */
  verified: boolean;
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(a) || !/^[0-9a-f]{64}$/i.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The signing headers for a request (exported for tests that build requests by hand). */
export function signRequest(key: DeviceKey, method: string, fullPath: string, body: Buffer, now: Date, nonce: string = newNonce()): Record<string, string> {
  const timestamp = now.toISOString();
  const signature = hmacHex(key.secret, canonicalRequest({ method, path: fullPath, timestamp, nonce, bodySha256: sha256Hex(body) }));
  return { [SYNC_HEADERS.device]: key.deviceId, [SYNC_HEADERS.timestamp]: timestamp, [SYNC_HEADERS.nonce]: nonce, [SYNC_HEADERS.signature]: signature };
}

function describeNetworkError(e: NodeJS.ErrnoException, timeoutMs: number): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (is the server running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name could not be found (is the network up?)';
    case 'ETIMEDOUT':
    case 'SYNC_TIMEOUT':
      return `no answer within ${Math.round(timeoutMs / 1000)} s`;
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was cut';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'the network is unreachable';
    default:
      return e.message || String(e.code);
  }
}

/**
 * One request and its answer. A request that failed on a kept-alive
 * connection the server had just closed is sent once more on a new one (signed
 * afresh): that race is not the network being down.
 */
export async function exchange(x: Exchange): Promise<Answer> {
  try {
    return await exchangeOnce(x);
  } catch (e) {
    if (e instanceof AppError && (e.details as { reusedSocket?: boolean } | undefined)?.reusedSocket) return exchangeOnce(x);
    throw e;
  }
}

async function exchangeOnce(x: Exchange): Promise<Answer> {
  const base = new URL(x.serverUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new AppError('VALIDATION_FAILED', `The server URL must start with http:// or https://, not ${base.protocol}`);
  const fullPath = base.pathname.replace(/\/+$/, '') + x.path;
  const body = x.body ?? Buffer.alloc(0);
  const headers: Record<string, string | number> = { accept: 'application/json', 'accept-encoding': 'gzip' };
  if (x.method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['content-length'] = body.length;
    if (x.gzip) headers['content-encoding'] = 'gzip';
  }
  let nonce: string | null = null;
  if (x.key) {
    nonce = newNonce();
    Object.assign(headers, signRequest(x.key, x.method, fullPath, body, x.now, nonce));
  }
  const lib = base.protocol === 'https:' ? https : http;
  const origin = base.origin;
  const raw = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = lib.request(
      { protocol: base.protocol, hostname: base.hostname, port: base.port || undefined, method: x.method, path: fullPath, headers, agent: base.protocol === 'https:' ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(Object.assign(new Error('answer too large'), { code: 'SYNC_TOO_LARGE' }));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (!res.complete) return;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) });
        });
        res.on('aborted', () => req.destroy(Object.assign(new Error('the answer was cut'), { code: 'ECONNRESET' })));
        res.on('error', (e) => req.destroy(e));
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'SYNC_TIMEOUT' })), x.timeoutMs);
    let answered = false;
    req.on('response', () => {
      answered = true;
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const stale = req.reusedSocket && !answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
      reject(new AppError('SYNC_UNREACHABLE', `The central server at ${origin} could not be reached: ${describeNetworkError(e, x.timeoutMs)}.`, { details: { cause: e.code ?? null, ...(stale ? { reusedSocket: true } : {}) } }));
    });
    req.on('close', () => {
      clearTimeout(timer);
      reject(new AppError('SYNC_UNREACHABLE', `The central server at ${origin} closed the connection without answering.`));
    });
    req.end(x.method === 'POST' ? body : undefined);
  });

  let verified = false;
  const sig = raw.headers[SYNC_HEADERS.signature];
  if (x.key && nonce && typeof sig === 'string') {
    const expected = hmacHex(x.key.secret, canonicalResponse({ nonce, status: raw.status, bodySha256: sha256Hex(raw.body) }));
    if (!sameHex(expected, sig)) {
      throw new AppError('SYNC_BAD_SIGNATURE', `The answer from ${origin} failed its signature check: it was altered on the way or did not come from the central server. Nothing was marked as sent.`);
    }
    verified = true;
  }
  let text = raw.body;
  if (String(raw.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
    try {
      text = await gunzipAsync(raw.body, { maxOutputLength: MAX_ANSWER_BYTES });
    } catch {
      throw new AppError('SYNC_SERVER_ERROR', `The answer from ${origin} could not be decompressed (HTTP ${raw.status}).`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const env = EnvelopeSchema.safeParse(parsed);
  if (!env.success) throw new AppError('SYNC_SERVER_ERROR', `${origin} answered HTTP ${raw.status} with something that is not a PostDesk sync answer. Check the server URL.`);
  return { status: raw.status, envelope: env.data, verified };
}

/** An error answer as an AppError (for the status bar and the caller). */
export function answerError(a: Answer): AppError {
  if (a.envelope.ok) return new AppError('INTERNAL', 'not an error answer');
  const e = a.envelope.error;
  return new AppError(e.code, e.message, e.details ? { details: e.details } : {});
}
