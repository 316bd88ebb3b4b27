/**
 * The real-Electron smoke test: builds the app, launches the installed
 * Electron binary on it (through Playwright's Electron driver) and checks the
 * window from the inside. Where the Electron binary is not installed (it
 * cannot be downloaded on every machine) the test is skipped and says why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The same lookup as scripts/start.js, without requiring 'electron' (which would start a download). */
function findElectron(): { exe: string | null; reason: string } {
  const pkg = path.join(ROOT, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return { exe: null, reason: 'the Electron binary is not installed (node_modules/electron/path.txt is missing)' };
  const exe = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  if (!fs.existsSync(exe)) return { exe: null, reason: `the Electron binary is not installed (${path.relative(ROOT, exe)} is missing)` };
  return { exe, reason: '' };
}

const { exe, reason } = findElectron();
const hasElectron = exe !== null;
if (!hasElectron) console.warn(`[electron smoke] skipped: ${reason}`);

let tmp: string | null = null;
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

interface Probe {
  url: string;
  bridgeKeys: string[];
  requireType: string;
  processType: string;
  info: { ok: boolean; value?: { setUp: boolean } };
  inlineScriptRan: boolean;
  remoteFetch: string;
  windowOpenReturnedNull: boolean;
}

describe(`the real Electron app${hasElectron ? '' : ` (skipped: ${reason})`}`, () => {
  it.skipIf(!hasElectron)(
    'starts sandboxed, exposes only window.postdesk, answers over IPC and refuses inline scripts, remote content and window.open',
    async () => {
      const { build } = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'build.js')).href)) as { build(opts: { renderer: string }): Promise<void> };
      const { prepareElectronApp } = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'start.js')).href)) as { prepareElectronApp(opts?: object): Promise<string> };
      await build({ renderer: 'if-stale' });
      // What `npm start` launches: the build staged beside an Electron build of better-sqlite3.
      const appDir = await prepareElectronApp();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postdesk-smoke-'));
      const { _electron } = await import('playwright-core');
      const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'ELECTRON_RUN_AS_NODE'));
      const app = await _electron.launch({ executablePath: exe!, args: [appDir, '--data', tmp], env, timeout: 60_000 });
      try {
        const page = await app.firstWindow();
        await page.waitForLoadState('domcontentloaded');
        const probe = (await page.evaluate(`(async () => ({
          url: location.href,
          bridgeKeys: Object.keys(window.postdesk ?? {}).sort(),
          requireType: typeof require,
          processType: typeof process,
          info: await window.postdesk.call('system.info', {}, null),
          inlineScriptRan: (() => { const s = document.createElement('script'); s.textContent = 'window.__inline = true'; document.head.appendChild(s); return window.__inline === true; })(),
          remoteFetch: await fetch('https://example.com/').then(() => 'loaded', () => 'blocked'),
          windowOpenReturnedNull: window.open('https://example.com/') === null,
        }))()`)) as Probe;
        expect(probe.url).toBe('app://postdesk/index.html');
        expect(probe.bridgeKeys).toEqual(['call', 'onMenuCommand', 'print', 'printToPdf']);
        expect(probe.requireType).toBe('undefined');
        expect(probe.processType).toBe('undefined');
        expect(probe.info).toMatchObject({ ok: true, value: { setUp: false } });
        expect(probe.inlineScriptRan).toBe(false);
        expect(probe.remoteFetch).toBe('blocked');
        expect(probe.windowOpenReturnedNull).toBe(true);

        expect(app.windows()).toHaveLength(1);
        expect(fs.existsSync(path.join(tmp, 'postdesk.sqlite'))).toBe(true);
      } finally {
        await app.close();
      }
    },
    180_000,
  );
});
