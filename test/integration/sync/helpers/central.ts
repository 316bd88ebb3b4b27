/** Test helpers for the central server: SQLite or PostgreSQL storage, in-process or as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe } from 'vitest';
import { openCentralStorage } from '../../../../server/open.js';
import type { CentralStorage } from '../../../../server/storage.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SERVER_BIN = path.join(ROOT, 'bin', 'postdesk-server.js');
export const PG_URL = process.env.POSTDESK_PG_URL || undefined;

export type Backend = 'sqlite' | 'postgres';

/** Declares a suite once per backend; the PostgreSQL one is skipped (and reported as skipped) without POSTDESK_PG_URL. */
export function describeEachBackend(title: string, fn: (backend: Backend) => void): void {
  for (const backend of ['sqlite', 'postgres'] as const) {
    describe.skipIf(backend === 'postgres' && !PG_URL)(`${title} on ${backend}`, () => fn(backend));
  }
}

let announced = false;
export function announcePgSkip(): void {
  if (PG_URL || announced) return;
  announced = true;
  console.log('PostgreSQL sync tests skipped: POSTDESK_PG_URL is not set (CI sets it, e.g. postgres://postgres@127.0.0.1:5432/test).');
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `postdesk-sync-${tag}-`));
}

/** Where one central server keeps its data: a folder, and for PostgreSQL a throw-away schema. */
export interface CentralPlace {
  backend: Backend;
  dataDir: string;
  pgSchema?: string;
}

export function newPlace(backend: Backend, tag = 'central'): CentralPlace {
  const place: CentralPlace = { backend, dataDir: tempDir(tag) };
  if (backend === 'postgres') place.pgSchema = `pdtest_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  return place;
}

export function openPlace(place: CentralPlace): Promise<CentralStorage> {
  return openCentralStorage({ dataDir: place.dataDir, ...(place.backend === 'postgres' ? { pgUrl: PG_URL!, pgSchema: place.pgSchema! } : {}) });
}

export async function dropPlace(place: CentralPlace): Promise<void> {
  if (place.backend === 'postgres' && place.pgSchema) {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`DROP SCHEMA IF EXISTS "${place.pgSchema}" CASCADE`);
    } finally {
      await c.end();
    }
  }
  fs.rmSync(place.dataDir, { recursive: true, force: true });
}

export function placeArgs(place: CentralPlace): string[] {
  const args = ['--data', place.dataDir];
  if (place.backend === 'postgres') args.push('--pg', PG_URL!, '--pg-schema', place.pgSchema!);
  return args;
}

export interface ChildServer {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Resolves with the exit signal/code when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `postdesk-server serve` as a child process and waits for its start-up line. */
export async function spawnServer(place: CentralPlace, opts: { port?: number; env?: Record<string, string>; extraArgs?: string[] } = {}): Promise<ChildServer> {
  const proc = spawn(process.execPath, [SERVER_BIN, 'serve', '--port', String(opts.port ?? 0), '--json', ...placeArgs(place), ...(opts.extraArgs ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        proc.stdout!.off('data', onData);
        resolve(out.slice(0, nl));
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then((x) => reject(new Error(`server exited before listening (${x.code ?? x.signal}): ${err}`)));
    setTimeout(() => reject(new Error(`server did not start in 20 s: ${err}`)), 20_000).unref();
  });
  const started = JSON.parse(line) as { ok: boolean; value: { url: string; port: number } };
  const kill = async (signal: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    await exited;
  };
  return { url: started.value.url, port: started.value.port, proc, exited, stderr: () => err, kill9: () => kill('SIGKILL'), stop: () => kill('SIGTERM') };
}

/** Runs a postdesk-server command to completion and returns its parsed --json output. */
export async function runServerCli(args: string[]): Promise<{ code: number | null; json: unknown; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [SERVER_BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  let json: unknown = null;
  try {
    json = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    json = null;
  }
  return { code, json, stdout, stderr };
}

export const CLIENT_PROC = path.join(ROOT, 'test', 'integration', 'sync', 'helpers', 'client-proc.ts');

export interface ClientRun {
  proc: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; result: ClientResult | null; stderr: string }>;
}

export interface ClientResult {
  ms: number;
  pushed: number;
  errors: number;
  lastErrors: string[];
  peakHeap: number;
  peakRss: number;
  maxRssKb: number;
}

/** Runs the counter's sync client in its own process (helpers/client-proc.ts). */
export function spawnClient(args: { dataDir: string; maxEvents?: number; timeoutMs?: number; maxErrors?: number }, nodeArgs: string[] = []): ClientRun {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', CLIENT_PROC, JSON.stringify(args)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; result: ClientResult | null; stderr: string }>((resolve) =>
    proc.once('exit', (code, signal) => {
      let result: ClientResult | null = null;
      try {
        result = JSON.parse(out.trim().split('\n').pop() ?? '') as ClientResult;
      } catch {
        result = null;
      }
      resolve({ code, signal, result, stderr: err });
    }),
  );
  return { proc, done };
}
