/**
 * Pull: ask for the feed after the stored cursor, and apply each page — its
 * rows and the new cursor — in one local transaction. The cursor is never
 * written ahead of the data it covers.
 */
import { AppError } from '../../domain/errors.js';
import { PullPageSchema, SYNC_PATHS, DEFAULT_PULL_PAGE, type PullPage } from '../../domain/sync.js';
import type { Store } from '../store.js';
import { applyRefItem, applyStatusUpdate } from './appliers.js';
import type { Connection } from './push.js';
import { answerError, exchange } from './transport.js';
import { getState, setState } from './state.js';

export function pullCursor(store: Store): number {
  return Number(getState(store, 'pull_cursor') ?? '0');
}

/** Applies one page and moves the cursor, in one transaction; returns problems from appliers. */
export function applyPullPage(store: Store, page: PullPage, askedAfter: number): { applied: number; problems: string[] } {
  return store.db.transaction(() => {
    if (pullCursor(store) !== askedAfter) return { applied: 0, problems: [] }; // someone applied it meanwhile
    const ctx = { db: store.db, now: store.now().toISOString() };
    const problems: string[] = [];
    for (const item of page.items) {
      const p = item.kind === 'ref' ? applyRefItem(item, ctx) : applyStatusUpdate({ entity: item.entity, ref: item.ref, status: item.status, at: new Date(item.at).toISOString() }, item.cursor, ctx);
      if (p) problems.push(p);
    }
    setState(store, 'pull_cursor', String(page.next));
    if (problems.length > 0) setState(store, 'pull_problem', JSON.stringify({ at: ctx.now, problems: problems.slice(0, 20) }));
    return { applied: page.items.length, problems };
  }).immediate();
}

export async function pullStep(store: Store, conn: Connection, limit = DEFAULT_PULL_PAGE): Promise<{ applied: number; more: boolean; problems: string[] }> {
  const after = pullCursor(store);
  const answer = await exchange({ serverUrl: conn.serverUrl, method: 'GET', path: `${SYNC_PATHS.pull}?after=${after}&limit=${limit}`, key: conn.key, now: store.now(), timeoutMs: conn.timeoutMs });
  if (!answer.envelope.ok) throw answerError(answer);
  if (!answer.verified) throw new AppError('SYNC_BAD_SIGNATURE', 'The central server sent reference data without a valid signature; it was not applied.');
  const page = PullPageSchema.safeParse(answer.envelope.value);
  if (!page.success) throw new AppError('SYNC_SERVER_ERROR', `The central server sent a page this counter does not understand: ${page.error.issues[0]?.message ?? ''}`);
  if (page.data.next < after || (page.data.items[0] && page.data.items[0].cursor <= after)) {
    throw new AppError('SYNC_SERVER_ERROR', `The central server's feed went backwards (asked after ${after}, got ${page.data.next}); nothing was applied.`);
  }
  const r = applyPullPage(store, page.data, after);
  return { applied: r.applied, more: page.data.more, problems: r.problems };
}
