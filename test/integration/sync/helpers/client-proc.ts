/**
 * A counter's sync client as its own process, for the kill -9 and endurance
 * tests: opens the store in the given folder, syncs until nothing is pending
 * (retrying failures), and prints one JSON line with time and peak memory.
 *
 *   node --import tsx client-proc.ts '{"dataDir":"…","maxEvents":400}'
 */
import { openCounterStore } from '../../../../services/store.js';
import { runSyncCycle } from '../../../../services/sync/index.js';

interface Args {
  dataDir: string;
  maxEvents?: number;
  timeoutMs?: number;
  maxErrors?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const store = openCounterStore(args.dataDir);
let peakHeap = 0;
let peakRss = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
};
const timer = setInterval(sample, 10);
const started = performance.now();
let pushed = 0;
let errors = 0;
const lastErrors: string[] = [];
for (;;) {
  try {
    const r = await runSyncCycle(store, { timeoutMs: args.timeoutMs ?? 10_000, ...(args.maxEvents ? { limits: { maxEvents: args.maxEvents } } : {}) });
    pushed += r.pushed;
    if (r.pending === 0) break;
  } catch (e) {
    errors++;
    lastErrors.push(String((e as Error).message));
    if (errors > (args.maxErrors ?? 200)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const ms = performance.now() - started;
sample();
clearInterval(timer);
store.close();
process.stdout.write(JSON.stringify({ ms, pushed, errors, lastErrors: lastErrors.slice(-3), peakHeap, peakRss, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
