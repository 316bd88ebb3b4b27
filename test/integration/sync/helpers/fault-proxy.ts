/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between the counters and the
 * central server. Per request it may: drop it (the server never sees it);
 * forward it and drop the answer after the server committed; deliver it late
 * after the client gave up; duplicate it; delay it; hold it back so a later
 * request overtakes it; or send half the body and cut the line. The target can
 * change (the server restarts on another port) and the proxy can go "offline".
 * Decisions come from a seeded PRNG, so a failing run can be replayed.
 */
import { mulberry32 } from '../../../../domain/random.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  dropRequest: number;
  dropAnswer: number;
  late: number;
  duplicate: number;
  delay: number;
  reorder: number;
  cutBody: number;
}

export const NO_FAULTS: FaultRates = { dropRequest: 0, dropAnswer: 0, late: 0, duplicate: 0, delay: 0, reorder: 0, cutBody: 0 };

export type FaultKind = keyof FaultRates | 'forward';

export interface UpstreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ProxyHooks {
  /** After the server answered and before the client gets it: 'drop' cuts the client off; a new answer replaces it. */
  afterUpstream?: (req: { method: string; path: string }, answer: UpstreamAnswer) => 'forward' | 'drop' | UpstreamAnswer | Promise<'forward' | 'drop' | UpstreamAnswer>;
}

export { mulberry32 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FaultProxy {
  readonly counts: Record<FaultKind, number> = { forward: 0, dropRequest: 0, dropAnswer: 0, late: 0, duplicate: 0, delay: 0, reorder: 0, cutBody: 0 };
  private server: http.Server | null = null;
  private held: (() => void) | null = null;
  private offline = false;
  private readonly random: () => number;
  /** Only requests to these paths get faults (enrollment passes untouched). */
  faultPaths = ['/v1/push', '/v1/pull'];
  /** A slow line: a request body takes length / bytesPerMs to get through. */
  bytesPerMs: number | null = null;
  url = '';

  constructor(
    private target: string,
    public rates: FaultRates,
    readonly seed: number,
    public hooks: ProxyHooks = {},
    public delayMaxMs = 400,
    public lateMaxMs = 1500,
  ) {
    this.random = mulberry32(seed);
  }

  setTarget(url: string): void {
    this.target = url;
  }

  /** While offline every connection is cut at once, as if the line were down. */
  setOffline(v: boolean): void {
    this.offline = v;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.held?.();
    if (!this.server) return;
    await new Promise<void>((r) => {
      this.server!.close(() => r());
      this.server!.closeAllConnections();
    });
  }

  private pick(): FaultKind {
    const r = this.rates;
    let x = this.random();
    for (const k of ['dropRequest', 'dropAnswer', 'late', 'duplicate', 'delay', 'reorder', 'cutBody'] as const) {
      if (x < r[k]) return k;
      x -= r[k];
    }
    return 'forward';
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (this.offline) {
      req.socket.destroy();
      return;
    }
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (this.bytesPerMs) await sleep(body.length / this.bytesPerMs);
    const fault = this.faultPaths.some((p) => path.startsWith(p)) ? this.pick() : 'forward';
    this.counts[fault]++;
    // a held-back request goes after this one
    const release = this.held;
    this.held = null;
    try {
      switch (fault) {
        case 'dropRequest':
          req.socket.destroy();
          return;
        case 'late': {
          req.socket.destroy();
          const wait = 200 + this.random() * this.lateMaxMs;
          setTimeout(() => void this.forward(method, path, req.headers, body).catch(() => undefined), wait).unref();
          return;
        }
        case 'cutBody':
          await this.forwardCut(method, path, req.headers, body);
          req.socket.destroy();
          return;
        case 'delay':
          await sleep(this.random() * this.delayMaxMs);
          break;
        case 'reorder':
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              if (this.held === go) this.held = null;
              resolve();
            }, 250);
            const go = () => {
              clearTimeout(t);
              setTimeout(resolve, 20);
            };
            this.held = go;
          });
          break;
        default:
          break;
      }
      let answer: UpstreamAnswer;
      if (fault === 'duplicate') {
        const both = await Promise.allSettled([this.forward(method, path, req.headers, body), this.forward(method, path, req.headers, body)]);
        const ok = both.filter((b): b is PromiseFulfilledResult<UpstreamAnswer> => b.status === 'fulfilled').map((b) => b.value);
        if (ok.length === 0) throw new Error('both copies failed');
        answer = ok[Math.floor(this.random() * ok.length)]!;
      } else {
        answer = await this.forward(method, path, req.headers, body);
      }
      if (fault === 'dropAnswer') {
        req.socket.destroy();
        return;
      }
      const decided = this.hooks.afterUpstream ? await this.hooks.afterUpstream({ method, path }, answer) : 'forward';
      if (decided === 'drop') {
        req.socket.destroy();
        return;
      }
      const out = decided === 'forward' ? answer : decided;
      const headers = { ...out.headers };
      delete headers['transfer-encoding'];
      delete headers['connection'];
      delete headers['keep-alive'];
      headers['content-length'] = String(out.body.length);
      res.writeHead(out.status, headers);
      res.end(out.body);
    } catch {
      req.socket.destroy();
    } finally {
      release?.();
    }
  }

  private forward(method: string, path: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<UpstreamAnswer> {
    const t = new URL(this.target);
    return new Promise((resolve, reject) => {
      const h = { ...headers, host: t.host, 'content-length': String(body.length) };
      delete h['connection'];
      const up = http.request({ hostname: t.hostname, port: t.port, method, path, headers: h, agent: false }, (r) => {
        const cs: Buffer[] = [];
        r.on('data', (c: Buffer) => cs.push(c));
        r.on('end', () => (r.complete ? resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(cs) }) : reject(new Error('answer cut'))));
        r.on('error', reject);
      });
      up.setTimeout(30_000, () => up.destroy(new Error('upstream timeout')));
      up.on('error', reject);
      up.end(body);
    });
  }

  /** Sends the headers and half the body, then cuts the connection. */
  private forwardCut(method: string, path: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<void> {
    const t = new URL(this.target);
    return new Promise((resolve) => {
      const h = { ...headers, host: t.host, 'content-length': String(body.length) };
      delete h['connection'];
      const up = http.request({ hostname: t.hostname, port: t.port, method, path, headers: h, agent: false });
      up.on('error', () => resolve());
      up.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        setTimeout(() => {
          up.destroy();
          resolve();
        }, 20);
      });
    });
  }
}
