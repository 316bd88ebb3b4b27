/**
 * Packaging: electron-builder.yml validates, and `electron-builder --dir`
 * packs the built app. The real Electron binary cannot be downloaded here,
 * so the project is copied to a temp folder and packed against a stand-in
 * electronDist with npmRebuild off — both only on this command line, never
 * in the real config. The packed archive is then extracted and its module
 * graph loaded in Node (with 'electron' stubbed) to prove the package holds
 * everything the main process imports at run time.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
const builderRequire = createRequire(require.resolve('electron-builder/package.json'));
const libRequire = createRequire(builderRequire.resolve('app-builder-lib/package.json'));

interface AsarApi {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractAll(archive: string, dest: string): void;
}
const asar = libRequire('@electron/asar') as AsarApi;

/** Not copied: installed or generated things, and other people's scratch output. */
const SKIP_TOP = new Set(['node_modules', '.git', 'dist', 'dist-renderer', 'release', 'test-results', '.postdesk-data']);

let tmp: string;
let proj: string;
let packed: SpawnSyncReturns<string> | null = null;
let unpacked: string;
let entries: string[] = [];

function sh(cmd: string, args: string[], cwd: string, timeout = 90_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, FORCE_COLOR: '0' } });
}

function explain(r: SpawnSyncReturns<string>): string {
  return `exit ${r.status} ${r.signal ?? ''}\n${r.stdout?.slice(-4000)}\n${r.stderr?.slice(-4000)}`;
}

/**
 * node_modules as a tree of hard links (a copy when the temp folder is on
 * another disk). Not a symlink: electron-builder 26's dependency collector
 * follows a symlinked node_modules out of the project and then drops most
 * transitive dependencies from the package.
 */
function linkNodeModules(dest: string): void {
  const r = spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), dest]);
  if (r.status === 0) return;
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'node_modules'), dest, { recursive: true, verbatimSymlinks: true });
}

/** A stand-in for Electron's unpacked distribution: just enough files for electron-builder to copy. */
function standInElectronDist(dir: string): void {
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron"\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'chrome-sandbox'), '', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'version'), (require('electron/package.json') as { version: string }).version);
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'stand-in');
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postdesk-pack-'));
  proj = path.join(tmp, 'proj');
  fs.cpSync(ROOT, proj, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(ROOT, src);
      return !SKIP_TOP.has(rel.split(path.sep)[0]!) && !rel.startsWith(path.join('test', 'e2e', 'artifacts'));
    },
  });
  linkNodeModules(path.join(proj, 'node_modules'));

  // The Node side and the preload, as `npm run build` makes them; the renderer has its
  // own build and tests, so a stand-in page takes its place here.
  const build = sh(process.execPath, ['scripts/build.js', '--skip-renderer'], proj);
  if (build.status !== 0) throw new Error(`build failed: ${explain(build)}`);
  fs.mkdirSync(path.join(proj, 'dist-renderer'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'dist-renderer', 'index.html'), '<!doctype html><title>PostDesk stand-in</title>');

  const electronDist = path.join(tmp, 'electron-dist');
  standInElectronDist(electronDist);
  const cli = builderRequire.resolve('./cli.js');
  packed = sh(process.execPath, [cli, '--dir', '--linux', '--config', 'electron-builder.yml', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false'], proj, 150_000);

  unpacked = path.join(proj, 'release', 'linux-unpacked');
  const archive = path.join(unpacked, 'resources', 'app.asar');
  if (packed.status === 0 && fs.existsSync(archive)) entries = asar.listPackage(archive, { isPack: false }).map((e) => e.split(path.sep).join('/'));
}, 200_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('electron-builder.yml', () => {
  async function validate(config: Record<string, unknown> | null): Promise<void> {
    const { getConfig, validateConfiguration } = libRequire('app-builder-lib/out/util/config/config.js') as {
      getConfig(projectDir: string, configPath: string | null, configFromOptions: Record<string, unknown> | null): Promise<Record<string, unknown>>;
      validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = libRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), config);
    await validateConfiguration(loaded, new DebugLogger(false));
  }

  it('validates against electron-builder’s schema', async () => {
    await expect(validate(null)).resolves.toBeUndefined();
  });

  it('would be refused with a key electron-builder does not know, so the check is live', async () => {
    await expect(validate({ linux: { notAnOption: true } })).rejects.toThrow(/notAnOption|configuration/i);
  });

  it('names PostDesk, its Linux and Windows targets, the release folder and the native rebuild', () => {
    const text = fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(text).toMatch(/^appId: rs\.posta\.postdesk$/m);
    expect(text).toMatch(/^productName: PostDesk$/m);
    expect(text).toMatch(/^ {2}output: release$/m);
    expect(text).toMatch(/^npmRebuild: true$/m);
    expect(text).toMatch(/- AppImage\n\s+- deb/);
    expect(text).toMatch(/- nsis/);
    expect(text).toMatch(/asarUnpack:\n\s+- node_modules\/better-sqlite3\/build\/Release\/\*\.node/);
    expect(text).not.toMatch(/electronDist/);
  });
});

describe('electron-builder --dir against a stand-in Electron', () => {
  it('exits 0 and writes release/linux-unpacked with resources/app.asar', () => {
    expect(packed?.status, packed ? explain(packed) : 'not run').toBe(0);
    expect(fs.existsSync(path.join(unpacked, 'postdesk'))).toBe(true);
    expect(fs.statSync(path.join(unpacked, 'resources', 'app.asar')).size).toBeGreaterThan(0);
  });

  it('keeps better-sqlite3’s native addon outside the archive, in app.asar.unpacked', () => {
    const addon = path.join(unpacked, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    expect(fs.existsSync(addon)).toBe(true);
  });

  it('packs the compiled app, the CommonJS preload, the migrations beside db/open.js and the renderer', () => {
    for (const file of [
      '/package.json',
      '/dist/electron/main.js',
      '/dist/electron/preload.cjs',
      '/dist/db/open.js',
      '/dist/db/migrations/001_core.sql',
      '/dist/services/api.js',
      '/dist/domain/api.js',
      '/dist-renderer/index.html',
      '/node_modules/better-sqlite3/lib/index.js',
      '/node_modules/bindings/bindings.js',
      '/node_modules/zod/package.json',
      '/node_modules/pdfkit/package.json',
      '/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
    ]) {
      expect(entries, file).toContain(file);
    }
  });

  it('leaves out sources, tests, source maps and packages the desktop app does not load', () => {
    const bad = entries.filter(
      (e) =>
        /^\/(electron|services|domain|db|renderer|test|scripts|server|cli|bench)\//.test(e) ||
        e.startsWith('/dist/test/') ||
        e.endsWith('.map') ||
        /^\/node_modules\/(react|react-dom|zustand|tsx|esbuild|@esbuild|pg|typescript|vite|vitest|electron|electron-builder)\//.test(e) ||
        e.startsWith('/node_modules/better-sqlite3/deps/') ||
        e.startsWith('/node_modules/better-sqlite3/src/'),
    );
    expect(bad).toEqual([]);
  });

  it('holds every module the main process imports: the packed app loads, opens a store from the packed migrations and renders a receipt PDF', () => {
    const extracted = path.join(tmp, 'extracted');
    asar.extractAll(path.join(unpacked, 'resources', 'app.asar'), extracted);
    const r = withElectronStub(
      extracted,
      'check-packed.mjs',
      `import path from 'node:path';
import { pathToFileURL } from 'node:url';
const [app, data] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(app, p)).href);
const main = await load('dist/electron/main.js');
const { openCounterStore } = await load('dist/services/store.js');
const { createDispatcher } = await load('dist/services/api.js');
const { renderReceiptPdf } = await load('dist/services/receiptPrint.js');
const store = openCounterStore(data);
const info = await createDispatcher(store).call('system.info', {}, null);
store.close();
const pdf = await renderReceiptPdf({
  number: '11000-01-20250101-1', businessDay: '2025-01-01', seq: 1, operationId: '0190c6c2-8a3e-7b4b-8c1d-1234567890ab',
  createdAt: '2025-01-01T08:00:00.000Z', branchCode: '11000', counterNo: 1, clerk: { id: 1, name: 'Мира', personalNo: '1001' },
  lines: [{ lineNo: 1, kind: 'postal_fee', description: 'Образац', quantity: 1, unitPricePara: 3000, amountPara: 3000, feePara: 0, details: {}, warnings: [] }],
  totalPara: 3000, tenders: [{ type: 'cash', amountPara: 5000, cardRef: null }], tenderedPara: 5000, changePara: 2000, copy: false, reprints: 0,
});
console.log(JSON.stringify({ exports: Object.keys(main).sort(), rendererDir: main.RENDERER_DIR, preload: main.PRELOAD_PATH, info, pdf: pdf.subarray(0, 5).toString() }));
`,
    );
    const out = lastJsonLine(r) as { exports: string[]; rendererDir: string; preload: string; info: { ok: boolean; value: { schemaVersion: number } }; pdf: string };
    expect(out.exports).toEqual(expect.arrayContaining(['start', 'createMainWindow', 'permissionAllowed']));
    expect(out.rendererDir).toBe(path.join(extracted, 'dist-renderer'));
    expect(fs.existsSync(out.preload)).toBe(true);
    expect(out.info.ok).toBe(true);
    expect(out.info.value.schemaVersion).toBeGreaterThan(0);
    expect(out.pdf).toBe('%PDF-');
  });
});

describe('the staged app `npm start` gives Electron', () => {
  it('loads its own better-sqlite3 and finds every other package in the project’s node_modules', async () => {
    const { prepareElectronApp } = (await import(pathToFileURL(path.join(proj, 'scripts', 'start.js')).href)) as {
      prepareElectronApp(opts: { projectRoot: string; rebuild: (o: { appDir: string }) => Promise<void>; log: () => void }): Promise<string>;
    };
    // Node stands in for Electron here, so the "Electron build" is Node's own addon.
    const app = await prepareElectronApp({
      projectRoot: proj,
      log: () => {},
      rebuild: async ({ appDir }) => {
        const release = path.join(appDir, 'node_modules', 'better-sqlite3', 'build', 'Release');
        fs.mkdirSync(release, { recursive: true });
        fs.copyFileSync(path.join(proj, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), path.join(release, 'better_sqlite3.node'));
      },
    });
    const r = withElectronStub(
      app,
      'check-staged.mjs',
      `import path from 'node:path';
import Module from 'node:module';
import { pathToFileURL } from 'node:url';
const [app, data] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(app, p)).href);
const main = await load('dist/electron/main.js');
const { openCounterStore } = await load('dist/services/store.js');
const store = openCounterStore(data);
store.close();
const sqlite = Object.keys(Module._cache).filter((k) => k.endsWith(path.join('better-sqlite3', 'lib', 'database.js')));
console.log(JSON.stringify({ rendererDir: main.RENDERER_DIR, sqlite }));
`,
    );
    const out = lastJsonLine(r) as { rendererDir: string; sqlite: string[] };
    expect(out.rendererDir).toBe(path.join(app, 'dist-renderer'));
    expect(out.sqlite).toEqual([path.join(app, 'node_modules', 'better-sqlite3', 'lib', 'database.js')]);
  });
});

function lastJsonLine(r: SpawnSyncReturns<string>): unknown {
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/**
 * Runs a script in Node the way the main process would load the app's
 * modules, with 'electron' replaced by a stub exporting the names the app's
 * dist/electron/*.js import. The script gets the app folder and a fresh data
 * folder as arguments.
 */
function withElectronStub(appDir: string, name: string, script: string): SpawnSyncReturns<string> {
  const hooks = path.join(tmp, 'hooks');
  fs.mkdirSync(hooks, { recursive: true });
  const names = new Set<string>();
  const electronDir = path.join(appDir, 'dist', 'electron');
  for (const f of fs.readdirSync(electronDir).filter((f) => f.endsWith('.js'))) {
    const src = fs.readFileSync(path.join(electronDir, f), 'utf8');
    for (const m of src.matchAll(/import\s*\{([^}]+)\}\s*from\s*'electron'/g)) for (const n of m[1]!.split(',')) names.add(n.trim().split(/\s+as\s+/)[0]!);
  }
  fs.writeFileSync(path.join(hooks, `${name}.electron-stub.mjs`), [...names].map((n) => `export const ${n} = {};`).join('\n'));
  fs.writeFileSync(
    path.join(hooks, `${name}.resolve.mjs`),
    `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: new URL('./${name}.electron-stub.mjs', import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}`,
  );
  fs.writeFileSync(path.join(hooks, `${name}.register.mjs`), `import { register } from 'node:module';\nregister('./${name}.resolve.mjs', import.meta.url);\n`);
  fs.writeFileSync(path.join(hooks, name), script);
  const data = fs.mkdtempSync(path.join(tmp, 'data-'));
  const r = sh(process.execPath, ['--import', pathToFileURL(path.join(hooks, `${name}.register.mjs`)).href, path.join(hooks, name), appDir, data], tmp, 60_000);
  expect(r.status, explain(r)).toBe(0);
  return r;
}
