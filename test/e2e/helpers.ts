/**
 * Browser end-to-end plumbing: the renderer built once (across test files),
 * browser mode started in-process on a free loopback port with a fresh data
 * folder, and Debian's Chromium driven by playwright-core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startBrowserMode, type BrowserMode } from '../../services/browserMode.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
export const CHROMIUM = process.env.POSTDESK_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null. On CI a missing browser is a failure, not a skip. */
export function browserMissing(): string | null {
  if (fs.existsSync(CHROMIUM)) return null;
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI) throw new Error(`${reason}; CI must run the browser tests`);
  console.warn(`[e2e] skipped: ${reason}`);
  return reason;
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `postdesk-${prefix}-`));
}

/**
 * Builds dist-renderer when it is stale. Test files run in parallel
 * processes; a lock folder keeps two Vite builds from emptying each
 * other's output.
 */
export async function buildRenderer(): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const lock = path.join(ARTIFACTS, '.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another renderer build');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const mod = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'build-renderer.js')).href)) as { ensureRendererBuilt(opts?: { force?: boolean }): Promise<void> };
    await mod.ensureRendererBuilt();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface Counter {
  mode: BrowserMode;
  dataDir: string;
  token: string;
  /** The URL a clerk opens (launch token in the fragment). */
  appUrl: string;
  origin: string;
  /** Calls the API as a program would (for arranging and checking, never instead of the UI under test). */
  api<T = unknown>(method: string, input?: unknown, session?: string | null): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>;
  stop(): Promise<void>;
}

export async function startCounter(): Promise<Counter> {
  const dataDir = tmpDir('e2e-data');
  const token = randomBytes(18).toString('base64url');
  const mode = await startBrowserMode({ dataDir, port: 0, staticDir: path.join(ROOT, 'dist-renderer'), token, log: () => undefined });
  const origin = mode.http.url;
  return {
    mode,
    dataDir,
    token,
    appUrl: mode.http.appUrl,
    origin,
    async api(method, input = {}, session = null) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      if (session) headers['x-postdesk-session'] = session;
      const res = await fetch(`${origin}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(input) });
      return (await res.json()) as never;
    },
    async stop() {
      await mode.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `args` adds Chromium switches (e.g. a fake camera fed from a file). */
export async function launchBrowser(opts: { args?: string[] } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = tmpDir('chromium');
  const context = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(opts.args ?? [])],
    viewport: { width: 1280, height: 860 },
    locale: 'sr-RS',
    timezoneId: 'Europe/Belgrade',
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh tab that fails the test on any script error and any request leaving the loopback server. */
export async function newPage(context: BrowserContext, origin: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Answers with an error status are judged below by their address: API refusals are expected, missing files are not.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/api/')) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('about:') && !url.startsWith('data:')) problems.push(`off-box request: ${url}`);
  });
  return { page, problems };
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Presses Enter through a form of [data-advance] fields, typing where `values` says (keys are data-testids). */
export async function fillByEnter(page: Page, order: string[], values: Record<string, string>): Promise<void> {
  for (const id of order) {
    await page.getByTestId(id).waitFor({ state: 'visible' });
    const focused = (await page.evaluate('document.activeElement?.getAttribute("data-testid") ?? null')) as string | null;
    if (focused !== id) throw new Error(`expected focus on ${id}, found ${focused}`);
    if (values[id] !== undefined) await page.keyboard.type(values[id]!);
    await page.keyboard.press('Enter');
  }
}

/** The till counting fields in screen order, as data-testids. */
export const DENOMINATIONS = [
  'note-500000', 'note-200000', 'note-100000', 'note-50000', 'note-20000', 'note-10000', 'note-5000', 'note-2000', 'coin-2000',
  'note-1000', 'coin-1000', 'coin-500', 'coin-200', 'coin-100',
];

export const countIds = (prefix: 'open' | 'close') => DENOMINATIONS.map((d) => `${prefix}-${d}`);
