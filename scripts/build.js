#!/usr/bin/env node
// `npm run build`: compiles the Node side (domain, db, services, electron) into dist/,
// mirroring the source tree; compiles the preload as CommonJS; copies the SQL migrations
// next to the compiled db/; builds the renderer into dist-renderer/.
//   --skip-renderer   leave dist-renderer/ as it is (packaging tests use a stand-in)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function tsc(project, extra = []) {
  const bin = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [bin, '-p', path.join(root, project), ...extra], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc -p ${project} failed`);
}

/**
 * @param {{ renderer?: 'force' | 'if-stale' | 'skip', log?: (line: string) => void }} [opts]
 */
export async function build({ renderer = 'force', log = (line) => console.log(line) } = {}) {
  const dist = path.join(root, 'dist');
  fs.rmSync(dist, { recursive: true, force: true });

  log('build: compiling domain, db, services, electron → dist/');
  tsc('tsconfig.build.json');

  log('build: compiling the preload (CommonJS) → dist/electron/preload.cjs');
  const preloadOut = path.join(dist, '.preload');
  tsc('tsconfig.preload.json', ['--outDir', preloadOut]);
  fs.copyFileSync(path.join(preloadOut, 'electron', 'preload.cjs'), path.join(dist, 'electron', 'preload.cjs'));
  fs.rmSync(preloadOut, { recursive: true, force: true });

  // db/open.ts reads <dir of open.js>/migrations.
  const migrationsFrom = path.join(root, 'db', 'migrations');
  const migrationsTo = path.join(dist, 'db', 'migrations');
  fs.mkdirSync(migrationsTo, { recursive: true });
  const sql = fs.readdirSync(migrationsFrom).filter((f) => f.endsWith('.sql'));
  for (const f of sql) fs.copyFileSync(path.join(migrationsFrom, f), path.join(migrationsTo, f));
  log(`build: copied ${sql.length} migration(s) → dist/db/migrations/`);

  if (renderer !== 'skip') {
    log('build: building the renderer → dist-renderer/');
    const { ensureRendererBuilt } = await import('./build-renderer.js');
    await ensureRendererBuilt({ force: renderer === 'force' });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const skip = process.argv.includes('--skip-renderer');
  build({ renderer: skip ? 'skip' : 'force' }).catch((e) => {
    console.error(`build failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
