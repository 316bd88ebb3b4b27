/**
 * `npm run start:web -- [--port N] [--data DIR]`: browser mode. The launch
 * token comes from POSTDESK_TOKEN or is random; the printed URL carries it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBrowserMode } from '../services/browserMode.js';
import { defaultDataDir } from '../services/paths.js';
import { AppError } from '../domain/errors.js';

const HELP = `Usage: npm run start:web -- [--port N] [--data DIR]

Serves PostDesk on http://127.0.0.1:N (default 5180) for a browser.
  --port N     port on 127.0.0.1 (0 picks a free one)
  --data DIR   data folder (default ${defaultDataDir()})
The launch token is POSTDESK_TOKEN if set, otherwise random; the printed URL carries it.`;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = values.port === undefined ? 5180 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError('VALIDATION_FAILED', `--port must be 0..65535, not ${values.port}`);
  const dataDir = path.resolve(values.data ?? defaultDataDir());
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const staticDir = path.join(root, 'dist-renderer');
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    console.error(`PostDesk: the renderer is not built (${staticDir}); run "npm run build" first.`);
  }
  const mode = await startBrowserMode({ dataDir, port, token: process.env.POSTDESK_TOKEN || undefined, staticDir });
  console.log(`PostDesk browser mode: ${mode.http.appUrl}`);
  console.log(`Data folder: ${dataDir}`);
  const stop = () => {
    void mode.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`PostDesk: ${e instanceof AppError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
