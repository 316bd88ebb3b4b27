/** Picks the central storage: PostgreSQL when a URL is given, otherwise SQLite in the data folder. */
import { SqliteCentralStorage } from './storage-sqlite.js';
import { PgCentralStorage, type PgStorageOptions } from './storage-pg.js';
import type { CentralStorage, CrashHook, CrashStage } from './storage.js';

export interface OpenCentralOptions {
  dataDir: string;
  pgUrl?: string;
  pgSchema?: string;
  crashHook?: CrashHook;
}

export async function openCentralStorage(opts: OpenCentralOptions): Promise<CentralStorage> {
  if (opts.pgUrl) {
    const o: PgStorageOptions = { url: opts.pgUrl };
    if (opts.pgSchema) o.schema = opts.pgSchema;
    if (opts.crashHook) o.crashHook = opts.crashHook;
    return PgCentralStorage.open(o);
  }
  return new SqliteCentralStorage(opts.dataDir, opts.crashHook);
}

/**
 * POSTDESK_TEST_CRASH="push-before-commit:3" kills the process with SIGKILL at
 * that stage of the third push (tests only: the kill -9 tests need to die at
 * an exact moment, which no signal sent from outside can hit).
 */
export function crashHookFromEnv(value: string | undefined): CrashHook | undefined {
  if (!value) return undefined;
  const m = /^(push-before-commit|push-after-commit):(\d+)$/.exec(value);
  if (!m) throw new Error(`POSTDESK_TEST_CRASH="${value}" is not stage:count`);
  const stage = m[1] as CrashStage;
  const at = Number(m[2]);
  let n = 0;
  return (s) => {
    if (s !== stage) return;
    if (++n === at) process.kill(process.pid, 'SIGKILL');
  };
}
