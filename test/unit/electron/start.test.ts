import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// scripts/ is plain JavaScript without declarations: its exports are typed here.
type Rebuild = (opts: { appDir: string; electronVersion: string }) => Promise<void>;
interface StartJs {
  electronBinary(projectRoot?: string, env?: Record<string, string | undefined>): string | null;
  MISSING_ELECTRON_LINE: string;
  prepareElectronApp(opts: { projectRoot: string; rebuild?: Rebuild; log?: (line: string) => void }): Promise<string>;
}
let electronBinary: StartJs['electronBinary'];
let MISSING_ELECTRON_LINE: string;
let prepareElectronApp: StartJs['prepareElectronApp'];

beforeAll(async () => {
  const startJs = pathToFileURL(path.join(ROOT, 'scripts', 'start.js')).href;
  ({ electronBinary, MISSING_ELECTRON_LINE, prepareElectronApp } = (await import(startJs)) as StartJs);
});

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postdesk-start-'));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function fakeElectronPackage(dir: string, opts: { pathTxt?: string; binary?: string | null }): void {
  const pkg = path.join(dir, 'node_modules', 'electron');
  fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"electron","version":"45.4.1"}');
  if (opts.pathTxt !== undefined) fs.writeFileSync(path.join(pkg, 'path.txt'), opts.pathTxt);
  if (opts.binary) {
    fs.writeFileSync(path.join(pkg, 'dist', 'electron'), opts.binary, { mode: 0o755 });
  }
}

/** A stand-in better-sqlite3 package with sources and a Node build of its addon. */
function fakeSqlitePackage(dir: string): void {
  const pkg = path.join(dir, 'node_modules', 'better-sqlite3');
  fs.mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
  fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
  fs.mkdirSync(path.join(pkg, 'src'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"better-sqlite3","version":"12.4.1"}');
  fs.writeFileSync(path.join(pkg, 'lib', 'index.js'), '');
  fs.writeFileSync(path.join(pkg, 'src', 'better_sqlite3.cpp'), '');
  fs.writeFileSync(path.join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'built for Node');
}

function fakeProject(dir: string): void {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'postdesk', productName: 'PostDesk', version: '0.1.0', type: 'module', main: 'dist/electron/main.js', dependencies: { 'better-sqlite3': '^12', react: '^19' } }));
  fs.mkdirSync(path.join(dir, 'dist', 'electron'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'electron', 'main.js'), '// v1');
  fs.mkdirSync(path.join(dir, 'dist-renderer'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist-renderer', 'index.html'), '<!doctype html>');
  fakeSqlitePackage(dir);
  fakeElectronPackage(dir, {});
}

/** A stand-in rebuild: writes an "Electron build" of the addon where the real one would. */
function fakeRebuild(calls: { appDir: string; electronVersion: string }[]): Rebuild {
  return async (opts) => {
    calls.push(opts);
    const release = path.join(opts.appDir, 'node_modules', 'better-sqlite3', 'build', 'Release');
    fs.mkdirSync(release, { recursive: true });
    fs.writeFileSync(path.join(release, 'better_sqlite3.node'), `built for Electron ${opts.electronVersion}`);
  };
}

/** A project folder with the real start.js and stand-ins for what it launches. */
function launcherProject(): string {
  fs.mkdirSync(path.join(tmp, 'scripts'));
  fs.copyFileSync(path.join(ROOT, 'scripts', 'start.js'), path.join(tmp, 'scripts', 'start.js'));
  fakeProject(tmp);
  fs.writeFileSync(path.join(tmp, 'scripts', 'start-web.js'), "console.log('start-web ' + JSON.stringify(process.argv.slice(2)));\n");
  fs.writeFileSync(path.join(tmp, 'scripts', 'build.js'), "export async function build(opts) { console.log('build ' + JSON.stringify(opts)); }\n");
  return tmp;
}

function run(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'start.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '' } });
  return { status: r.status, lines: r.stdout.trim().split('\n'), stderr: r.stderr };
}

describe('finding the Electron binary without requiring electron', () => {
  it('finds nothing when path.txt is missing, empty, or names a file that is not there', () => {
    expect(electronBinary(tmp, {})).toBeNull();
    fakeElectronPackage(tmp, { pathTxt: '' });
    expect(electronBinary(tmp, {})).toBeNull();
    fakeElectronPackage(tmp, { pathTxt: 'electron' });
    expect(electronBinary(tmp, {})).toBeNull();
  });

  it('finds the file path.txt names under node_modules/electron/dist, or under ELECTRON_OVERRIDE_DIST_PATH', () => {
    fakeElectronPackage(tmp, { pathTxt: 'electron\n', binary: '#!/bin/sh\n' });
    expect(electronBinary(tmp, {})).toBe(path.join(tmp, 'node_modules', 'electron', 'dist', 'electron'));
    const override = path.join(tmp, 'elsewhere');
    fs.mkdirSync(override);
    expect(electronBinary(tmp, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBeNull();
    fs.writeFileSync(path.join(override, 'electron'), '');
    expect(electronBinary(tmp, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(path.join(override, 'electron'));
  });
});

describe('npm start', () => {
  it('says in one line that the Electron binary is missing, then runs browser mode with the same arguments', () => {
    const dir = launcherProject();
    const r = run(dir, ['--port', '5180', '--data', '/tmp/pd']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.lines).toEqual([MISSING_ELECTRON_LINE, 'start-web ["--port","5180","--data","/tmp/pd"]']);
    expect(MISSING_ELECTRON_LINE).not.toContain('\n');
  });

  it('builds and launches Electron on the staged app, passing the arguments through, when the binary is there', async () => {
    const dir = launcherProject();
    // An Electron build of better-sqlite3 from an earlier start: no rebuild this time.
    const app = await prepareElectronApp({ projectRoot: dir, rebuild: fakeRebuild([]), log: () => {} });
    fakeElectronPackage(dir, { pathTxt: 'electron', binary: '#!/bin/sh\necho "electron $*"\nexit 3\n' });
    const r = run(dir, ['--data', '/tmp/pd']);
    expect(r.lines).toEqual(['build {"renderer":"if-stale"}', `electron ${app} --data /tmp/pd`]);
    expect(r.status).toBe(3);
  });
});

describe('the staged app Electron runs', () => {
  it('holds the build, the renderer, the app’s package identity and its own better-sqlite3 sources, without the Node build', async () => {
    fakeProject(tmp);
    const calls: { appDir: string; electronVersion: string }[] = [];
    const app = await prepareElectronApp({ projectRoot: tmp, rebuild: fakeRebuild(calls), log: () => {} });
    expect(app).toBe(path.join(tmp, 'node_modules', '.cache', 'postdesk-electron', 'app'));
    expect(calls).toEqual([{ appDir: app, electronVersion: '45.4.1' }]);
    expect(fs.readFileSync(path.join(app, 'dist', 'electron', 'main.js'), 'utf8')).toBe('// v1');
    expect(fs.existsSync(path.join(app, 'dist-renderer', 'index.html'))).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: 'postdesk', productName: 'PostDesk', version: '0.1.0', type: 'module', main: 'dist/electron/main.js', dependencies: { 'better-sqlite3': '12.4.1' } });
    const sqlite = path.join(app, 'node_modules', 'better-sqlite3');
    expect(fs.existsSync(path.join(sqlite, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(fs.readFileSync(path.join(sqlite, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('built for Electron 45.4.1');
    expect(fs.readFileSync(path.join(tmp, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('built for Node');
  });

  it('refreshes the build on every start but rebuilds better-sqlite3 only when its or Electron’s version changes', async () => {
    fakeProject(tmp);
    const calls: { appDir: string; electronVersion: string }[] = [];
    const app = await prepareElectronApp({ projectRoot: tmp, rebuild: fakeRebuild(calls), log: () => {} });
    fs.writeFileSync(path.join(tmp, 'dist', 'electron', 'main.js'), '// v2');
    await prepareElectronApp({ projectRoot: tmp, rebuild: fakeRebuild(calls), log: () => {} });
    expect(calls).toHaveLength(1);
    expect(fs.readFileSync(path.join(app, 'dist', 'electron', 'main.js'), 'utf8')).toBe('// v2');
    fs.writeFileSync(path.join(tmp, 'node_modules', 'electron', 'package.json'), '{"name":"electron","version":"46.0.0"}');
    await prepareElectronApp({ projectRoot: tmp, rebuild: fakeRebuild(calls), log: () => {} });
    expect(calls.map((c) => c.electronVersion)).toEqual(['45.4.1', '46.0.0']);
  });

  it('fails loudly when the rebuild leaves no addon', async () => {
    fakeProject(tmp);
    await expect(prepareElectronApp({ projectRoot: tmp, rebuild: async () => {}, log: () => {} })).rejects.toThrow(/not built for Electron 45\.4\.1/);
  });
});
