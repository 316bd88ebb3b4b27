/**
 * Browser mode: the API dispatcher behind an HTTP server bound to 127.0.0.1
 * only, plus the built renderer as static files.
 *
 *   POST /api/<method>   body: the JSON input
 *   Authorization: Bearer <launch token>     (random per launch or POSTDESK_TOKEN)
 *   X-PostDesk-Session: <clerk session token> (from auth.signIn; absent before sign-in)
 *
 * Answers {ok:true,value} with 200, or {ok:false,error:{code,message}} with a
 * 4xx/5xx status. A request whose Host is not this loopback address and port,
 * or whose Origin is foreign, is refused before the token is even looked at.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ErrorInfo } from '../../domain/errors.js';
import { httpStatusOf, type Dispatcher } from '../api.js';

export const SESSION_HEADER = 'x-postdesk-session';
const MAX_BODY = 1024 * 1024;

export interface HttpTransportOptions {
  dispatcher: Dispatcher;
  token: string;
  port?: number;
  /** Folder with the built renderer (index.html); omitted → API only. */
  staticDir?: string | null;
}

export interface RunningHttp {
  server: http.Server;
  port: number;
  url: string;
  /** The URL a person opens: carries the launch token in the fragment, never sent to the server in logs. */
  appUrl: string;
  close(): Promise<void>;
}

export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, error: ErrorInfo): void {
  sendJson(res, status, { ok: false, error });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function serveStatic(dir: string, urlPath: string, res: http.ServerResponse): void {
  let rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  if (rel === '/' || !path.extname(rel)) rel = '/index.html';
  const file = path.resolve(dir, '.' + rel);
  if (!file.startsWith(path.resolve(dir) + path.sep)) {
    sendError(res, 404, { code: 'NOT_FOUND', message: 'Not found' });
    return;
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      sendError(res, 404, { code: 'NOT_FOUND', message: 'Not found' });
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
    });
    res.end(data);
  });
}

export function startHttpTransport(opts: HttpTransportOptions): Promise<RunningHttp> {
  let port = opts.port ?? 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = http.createServer((req, res) => {
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host)) {
      sendError(res, 403, { code: 'ORIGIN_FORBIDDEN', message: 'Requests must be addressed to this computer (127.0.0.1)' });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      sendError(res, 403, { code: 'ORIGIN_FORBIDDEN', message: 'Requests from other web sites are refused' });
      return;
    }
    const url = req.url ?? '/';
    if (!url.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, 405, { code: 'NOT_FOUND', message: 'Not found' });
        return;
      }
      if (opts.staticDir) serveStatic(opts.staticDir, url, res);
      else sendError(res, 404, { code: 'NOT_FOUND', message: 'The renderer is not built; run "npm run build"' });
      return;
    }
    if (req.method !== 'POST') {
      sendError(res, 405, { code: 'UNKNOWN_METHOD', message: 'Use POST for API calls' });
      return;
    }
    if (!tokenMatches(req.headers.authorization, opts.token)) {
      sendError(res, 401, { code: 'TOKEN_REQUIRED', message: 'The launch token is missing or wrong; open the URL PostDesk printed' });
      return;
    }
    const method = url.slice(5).split('?')[0] ?? '';
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        tooLarge = true;
        if (!res.headersSent) sendError(res.setHeader('connection', 'close'), 413, { code: 'PAYLOAD_TOO_LARGE', message: 'The request is larger than 1 MiB' });
        return;
      }
      chunks.push(c);
    });
    // A client that hangs up mid-body gets no answer; there is nothing to undo, nothing ran.
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooLarge) return;
      const text = Buffer.concat(chunks).toString('utf8');
      let input: unknown = {};
      if (text.trim() !== '') {
        try {
          input = JSON.parse(text);
        } catch {
          sendError(res, 400, { code: 'BAD_JSON', message: 'The request body is not valid JSON' });
          return;
        }
      }
      const sessionHeader = req.headers[SESSION_HEADER];
      const session = typeof sessionHeader === 'string' ? sessionHeader : null;
      opts.dispatcher.call(method, input, session).then(
        (result) => sendJson(res, result.ok ? 200 : httpStatusOf(result.error.code), result),
        () => sendError(res, 500, { code: 'INTERNAL', message: 'Something went wrong inside PostDesk' }),
      );
    });
  });
  server.keepAliveTimeout = 5000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}`;
      resolve({
        server,
        port,
        url,
        appUrl: `${url}/#token=${opts.token}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
