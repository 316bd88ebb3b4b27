#!/usr/bin/env node
// `npm start`: the desktop app when the Electron binary is installed, otherwise browser
// mode (exactly `npm run start:web`), with one line saying why. Arguments such as
// --data DIR (both modes) and --port N (browser mode) pass through.
//
// The binary is looked up the way node_modules/electron/index.js does, without
// requiring 'electron': requiring it when the binary is missing starts a download.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable, or null when it is not installed. */
export function electronBinary(projectRoot = root, env = process.env) {
  const pkg = path.join(projectRoot, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const rel = fs.readFileSync(pathFile, 'utf8').trim();
  if (rel === '') return null;
  const exe = env.ELECTRON_OVERRIDE_DIST_PATH ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel) : path.join(pkg, 'dist', rel);
  return fs.existsSync(exe) ? exe : null;
}

export const MISSING_ELECTRON_LINE =
  'PostDesk: the Electron binary is not installed (node_modules/electron/dist), so PostDesk starts in browser mode instead.';

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Rebuilds the staged better-sqlite3 for Electron's ABI; the search stops at appDir, so the project's copy is untouched. */
async function rebuildForElectron({ appDir, electronVersion }) {
  const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
  const { rebuild } = await import(pathToFileURL(fromBuilder.resolve('@electron/rebuild')).href);
  await rebuild({ buildPath: appDir, projectRootPath: appDir, electronVersion, arch: process.arch, onlyModules: ['better-sqlite3'], force: true });
}

/**
 * Electron loads native addons built for its own ABI, while the tests, the CLI and
 * browser mode load better-sqlite3 built for Node from the same node_modules. So
 * Electron runs the app from a staging folder, node_modules/.cache/postdesk-electron/app,
 * whose own node_modules holds an Electron build of better-sqlite3; every other package
 * resolves upward to the project's node_modules. The Electron build is kept until
 * better-sqlite3 or Electron changes version. Returns the folder to launch.
 */
export async function prepareElectronApp({ projectRoot = root, rebuild = rebuildForElectron, log = (line) => console.log(line) } = {}) {
  const stage = path.join(projectRoot, 'node_modules', '.cache', 'postdesk-electron');
  const app = path.join(stage, 'app');
  fs.mkdirSync(app, { recursive: true });
  for (const dir of ['dist', 'dist-renderer']) {
    fs.rmSync(path.join(app, dir), { recursive: true, force: true });
    if (fs.existsSync(path.join(projectRoot, dir))) fs.cpSync(path.join(projectRoot, dir), path.join(app, dir), { recursive: true });
  }
  // The app's name, version and entry as in the project; its only dependency the addon.
  const pkg = readJson(path.join(projectRoot, 'package.json'));
  const sqliteFrom = path.join(projectRoot, 'node_modules', 'better-sqlite3');
  const sqliteVersion = readJson(path.join(sqliteFrom, 'package.json')).version;
  const staged = { name: pkg.name, productName: pkg.productName, version: pkg.version, private: true, type: pkg.type, main: pkg.main, dependencies: { 'better-sqlite3': sqliteVersion } };
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(staged, null, 2));

  const electronVersion = readJson(path.join(projectRoot, 'node_modules', 'electron', 'package.json')).version;
  const stampFile = path.join(stage, 'better-sqlite3.stamp');
  const stamp = `better-sqlite3 ${sqliteVersion} for electron ${electronVersion} ${process.platform}-${process.arch}`;
  const sqliteTo = path.join(app, 'node_modules', 'better-sqlite3');
  const addon = path.join(sqliteTo, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(addon) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return app;

  log(`PostDesk: building better-sqlite3 for Electron ${electronVersion} (once per version)…`);
  fs.rmSync(sqliteTo, { recursive: true, force: true });
  fs.rmSync(stampFile, { force: true });
  fs.cpSync(sqliteFrom, sqliteTo, { recursive: true, filter: (src) => path.relative(sqliteFrom, src).split(path.sep)[0] !== 'build' });
  await rebuild({ appDir: app, electronVersion });
  if (!fs.existsSync(addon)) throw new Error(`better-sqlite3 was not built for Electron ${electronVersion} (${addon} is missing)`);
  fs.writeFileSync(stampFile, stamp);
  return app;
}

async function startElectron(exe, args) {
  const { build } = await import('./build.js');
  await build({ renderer: 'if-stale' });
  const app = await prepareElectronApp();
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(exe, [app, ...args], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main() {
  const args = process.argv.slice(2);
  const exe = electronBinary();
  if (exe) {
    await startElectron(exe, args);
    return;
  }
  console.log(MISSING_ELECTRON_LINE);
  // The same process and argv as `node scripts/start-web.js …`.
  await import('./start-web.js');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`PostDesk: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
