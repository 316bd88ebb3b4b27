/** Hand-built HTTP requests, for tests that tamper with what the client would send. */
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { signRequest, type DeviceKey } from '../../../../services/sync/transport.js';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: { ok: boolean; value?: unknown; error?: { code: string; message: string; details?: Record<string, unknown> } };
}

export function rawRequest(url: string, method: string, path: string, body: Buffer | null, headers: Record<string, string | number>): Promise<RawAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: u.port, method, path, headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: RawAnswer['json'];
        try {
          json = JSON.parse(text) as RawAnswer['json'];
        } catch {
          json = { ok: false };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** A signed push, as the client would send it, with hooks to spoil it. */
export function signedPush(key: DeviceKey, batch: unknown, opts: { now?: Date; nonce?: string } = {}): { body: Buffer; headers: Record<string, string> } {
  const body = gzipSync(Buffer.from(JSON.stringify(batch)));
  const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', ...signRequest(key, 'POST', '/v1/push', body, opts.now ?? new Date(), opts.nonce) };
  return { body, headers };
}
