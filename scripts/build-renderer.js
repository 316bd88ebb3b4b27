// Builds the renderer with Vite into dist-renderer/ when it is missing or older than its sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

export async function ensureRendererBuilt({ force = false } = {}) {
  const out = path.join(root, 'dist-renderer', 'index.html');
  const sources = Math.max(newest(path.join(root, 'renderer')), newest(path.join(root, 'domain')), fs.statSync(path.join(root, 'vite.config.ts')).mtimeMs);
  if (!force && fs.existsSync(out) && fs.statSync(out).mtimeMs >= sources) return;
  const { build } = await import('vite');
  // Always a production build: under vitest NODE_ENV is "test", which would give React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
