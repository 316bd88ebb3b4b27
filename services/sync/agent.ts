/**
 * The sync cycle (push everything pending, then pull every page) and the
 * SyncAgent that runs it on a timer, right away when asked ("Sync now") or
 * when the connection returns, and with exponential backoff plus jitter after
 * a failure. One cycle runs at a time per store.
 */
import type { SyncRunView, SyncStatusView } from '../../domain/api.js';
import type { Db } from '../../db/open.js';
import { prep } from '../../db/prepared.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { DEFAULT_BACKOFF, backoffDelayMs, type BackoffPolicy } from '../../domain/sync.js';
import { isoNow, type Store } from '../store.js';
import { readCredentials, requireCredentials } from './credentials.js';
import { pullStep } from './pull.js';
import { pushStep, type Connection, type PreparedBatch } from './push.js';
import { batchLimits, clearState, getState, pendingEvents, setAsideEvents, setState, syncIntervalMs, type BatchLimits } from './state.js';

/** The API contract's shapes are the sync client's own (domain/api.ts). */
export type SyncRunResult = SyncRunView;
export type SyncStatus = SyncStatusView;
export type SyncError = NonNullable<SyncStatusView['lastError']>;

export interface CycleOptions {
  timeoutMs?: number;
  /** Overrides the settings (benchmarks, tests). */
  limits?: Partial<BatchLimits>;
  pullPageSize?: number;
  /** Stop pushing after this many batches (tests); the rest waits for the next cycle. */
  maxBatches?: number;
}

const running = new WeakMap<Db, Promise<SyncRunResult>>();
/** Batch size that got through on this line lately: halved after a push that timed out or was cut, grown by a quarter after each success. */
const lineBatch = new WeakMap<Db, number>();
const SIZE_FAULTS = new Set(['SYNC_TIMEOUT', 'ECONNRESET', 'EPIPE']);
const progress = new WeakMap<Db, { done: number; total: number }>();
const agents = new WeakMap<Db, SyncAgent>();

/** Codes after which retrying soon is pointless: wait the longest backoff. */
const SLOW_RETRY = new Set(['SYNC_NOT_ENROLLED', 'SYNC_UNKNOWN_DEVICE', 'SYNC_SEQ_CONFLICT', 'SYNC_CLOCK_SKEW', 'SYNC_AUTH_REQUIRED']);

function toSyncError(store: Store, e: unknown): SyncError {
  if (isAppError(e)) return { code: e.code, message: e.message, at: isoNow(store) };
  return { code: 'INTERNAL', message: 'Sync failed unexpectedly; details are in the log.', at: isoNow(store) };
}

function connectionFor(store: Store, timeoutMs: number): Connection {
  const c = requireCredentials(store.dataDir);
  return { serverUrl: getState(store, 'server_url') ?? c.serverUrl, key: { deviceId: c.deviceId, secret: c.secret }, timeoutMs };
}

async function cycle(store: Store, opts: CycleOptions): Promise<SyncRunResult> {
  setState(store, 'last_attempt_at', isoNow(store));
  const out: SyncRunResult = { pushed: 0, setAside: 0, rewound: 0, pulled: 0, pending: 0, pullProblems: [] };
  try {
    const conn = connectionFor(store, opts.timeoutMs ?? 30_000);
    const base = batchLimits(store);
    // The ceiling drops for the rest of the cycle when the server says a batch is too large.
    let configured = opts.limits?.maxEvents ?? base.maxEvents;
    const limits: BatchLimits = { maxEvents: Math.min(configured, lineBatch.get(store.db) ?? configured), maxBytes: opts.limits?.maxBytes ?? base.maxBytes };
    // Progress without recounting the outbox per batch: what was pending, plus what has been appended since.
    const maxSeq = () => (prep(store.db, 'SELECT COALESCE(MAX(seq), 0) AS m FROM outbox').get() as { m: number }).m;
    const startSeq = maxSeq();
    const startPending = pendingEvents(store);
    const p = { done: 0, total: startPending };
    progress.set(store.db, p);
    let pushError: unknown = null;
    try {
      let batches = 0;
      let idleSteps = 0;
      let next: PreparedBatch | null = null;
      for (;;) {
        if (opts.maxBatches !== undefined && batches >= opts.maxBatches) break;
        const step: Awaited<ReturnType<typeof pushStep>> = await pushStep(store, conn, limits, next);
        next = step.next ?? null;
        batches++;
        if (step.kind === 'idle') break;
        if (step.kind === 'acked') {
          if (limits.maxEvents < configured) {
            limits.maxEvents = Math.min(configured, Math.ceil(limits.maxEvents * 1.25));
            lineBatch.set(store.db, limits.maxEvents);
          }
          out.pushed += step.acked;
          p.done += step.acked;
          idleSteps = step.acked + step.declared === 0 ? idleSteps + 1 : 0;
        } else if (step.kind === 'set_aside') {
          out.setAside += step.seqs.length;
          p.done += step.seqs.length;
          idleSteps = step.seqs.length === 0 ? idleSteps + 1 : 0;
        } else if (step.kind === 'rewound') {
          out.rewound += step.count;
          idleSteps++;
        } else {
          limits.maxEvents = step.maxEvents;
          configured = step.maxEvents;
          idleSteps = 0;
        }
        if (idleSteps >= 5) throw new AppError('SYNC_SERVER_ERROR', 'The central server keeps answering without taking any events; sync stopped for now and will try again later.');
        p.total = Math.max(p.done, startPending + maxSeq() - startSeq);
      }
    } catch (e) {
      if (isAppError(e) && e.code === 'SYNC_UNREACHABLE') {
        // A slow rural line may never carry a full batch in time: try smaller ones next.
        if (SIZE_FAULTS.has(String((e.details as { cause?: unknown } | undefined)?.cause))) lineBatch.set(store.db, Math.max(10, Math.floor(limits.maxEvents / 2)));
        throw e;
      }
      pushError = e; // a refused push must not stop tariffs and status updates from arriving
    }
    for (;;) {
      const r = await pullStep(store, conn, opts.pullPageSize);
      out.pulled += r.applied;
      out.pullProblems.push(...r.problems);
      if (!r.more) break;
    }
    if (pushError) throw pushError;
    out.pending = pendingEvents(store);
    store.db.transaction(() => {
      setState(store, 'last_success_at', isoNow(store));
      clearState(store, 'last_error');
    })();
    return out;
  } catch (e) {
    setState(store, 'last_error', JSON.stringify(toSyncError(store, e)));
    throw e;
  } finally {
    progress.delete(store.db);
  }
}

/** Runs one sync cycle now, or joins the one already running for this store. Throws the cycle's error (also kept as lastError). */
export function runSyncCycle(store: Store, opts: CycleOptions = {}): Promise<SyncRunResult> {
  const current = running.get(store.db);
  if (current) return current;
  const p = cycle(store, opts).finally(() => running.delete(store.db));
  running.set(store.db, p);
  return p;
}

/** "Sync now": through the store's agent when one runs (so its timer and backoff reset), otherwise a cycle directly. */
export function syncNow(store: Store, opts: CycleOptions = {}): Promise<SyncRunResult> {
  const agent = agents.get(store.db);
  return agent ? agent.syncNow() : runSyncCycle(store, opts);
}

function lastError(store: Store): SyncError | null {
  const s = getState(store, 'last_error');
  if (!s) return null;
  try {
    return JSON.parse(s) as SyncError;
  } catch {
    return null;
  }
}

/** What the status bar shows: pending events, last success, last error in words, catch-up progress. */
export function getSyncStatus(store: Store): SyncStatus {
  const deviceId = getState(store, 'device_id');
  const live = progress.get(store.db);
  const agent = agents.get(store.db);
  let enrolled = false;
  try {
    enrolled = readCredentials(store.dataDir) !== null;
  } catch {
    enrolled = false;
  }
  return {
    enrolled,
    deviceId,
    serverUrl: getState(store, 'server_url'),
    pending: pendingEvents(store),
    setAside: setAsideEvents(store),
    lastSuccessAt: getState(store, 'last_success_at'),
    lastAttemptAt: getState(store, 'last_attempt_at'),
    lastError: lastError(store),
    catchingUp: live ? { done: live.done, total: Math.max(live.total, live.done) } : null,
    running: running.has(store.db),
    nextAttemptAt: agent?.nextAttemptAt() ?? null,
  };
}

export interface SyncAgentOptions extends CycleOptions {
  /** Between successful cycles; default the sync_interval_seconds setting. */
  intervalMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** Called after each cycle and when progress moves (at most every progressMs). */
  onStatus?: (s: SyncStatus) => void;
  progressMs?: number;
}

export class SyncAgent {
  private timer: NodeJS.Timeout | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private next: Date | null = null;
  private stopped = true;
  private readonly listeners = new Set<(s: SyncStatus) => void>();

  constructor(
    private readonly store: Store,
    private readonly opts: SyncAgentOptions = {},
  ) {
    if (opts.onStatus) this.listeners.add(opts.onStatus);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    agents.set(this.store.db, this);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.timer = null;
    this.progressTimer = null;
    this.next = null;
    if (agents.get(this.store.db) === this) agents.delete(this.store.db);
    await running.get(this.store.db)?.catch(() => undefined);
  }

  /** Runs a cycle now; the timer restarts from its outcome. */
  async syncNow(): Promise<SyncRunResult> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.runOnce();
  }

  /** The OS says the network is back (Electron 'online', a NIC event …): try at once instead of waiting out the backoff. */
  connectionRestored(): void {
    if (this.stopped) return;
    this.failures = 0;
    this.schedule(0);
  }

  status(): SyncStatus {
    return getSyncStatus(this.store);
  }

  onStatus(fn: (s: SyncStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  nextAttemptAt(): string | null {
    return this.next ? this.next.toISOString() : null;
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const s = this.status();
    for (const l of this.listeners) {
      try {
        l(s);
      } catch {
        // a listener's failure is not the sync's
      }
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.next = new Date(Date.now() + ms);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runOnce().catch(() => undefined);
    }, ms);
    this.timer.unref?.();
  }

  private async runOnce(): Promise<SyncRunResult> {
    this.next = null;
    if (this.listeners.size > 0 && !this.progressTimer) {
      this.progressTimer = setInterval(() => this.emit(), this.opts.progressMs ?? 500);
      this.progressTimer.unref?.();
    }
    try {
      const r = await runSyncCycle(this.store, this.opts);
      this.failures = 0;
      this.schedule(this.opts.intervalMs ?? syncIntervalMs(this.store));
      return r;
    } catch (e) {
      this.failures++;
      const policy = this.opts.backoff ?? DEFAULT_BACKOFF;
      const slow = isAppError(e) && SLOW_RETRY.has(e.code);
      this.schedule(slow ? policy.maxMs : backoffDelayMs(this.failures, policy, this.opts.random ?? Math.random));
      throw e;
    } finally {
      if (this.progressTimer) clearInterval(this.progressTimer);
      this.progressTimer = null;
      this.emit();
    }
  }
}
