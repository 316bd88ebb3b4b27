/**
 * What a pulled row does on the counter. Every reference row is kept raw in
 * sync_reference; the applier registered for its dataset turns it into the
 * counter's own tables (tariffs now; fee bands, billers, card designs and
 * clerks plug in with one registerPullApplier call). Status updates land in
 * sync_status_updates; a service can also register to hear them.
 *
 * Appliers run inside the page's transaction, each in its own savepoint: an
 * applier that throws leaves no half-written rows, its problem is recorded,
 * and the page (with its cursor) still commits — one bad row does not stop
 * the feed. The raw row stays in sync_reference for replayDataset().
 */
import type { Db } from '../../db/open.js';
import { prep } from '../../db/prepared.js';
import { TariffRowSchema, type RefPullItem, type StatusUpdate } from '../../domain/sync.js';
import type { Store } from '../store.js';

export interface ApplyContext {
  db: Db;
  /** The counter's clock, as an ISO instant. */
  now: string;
}

export type RefApplier = (item: RefPullItem, ctx: ApplyContext) => void;
export type StatusApplier = (update: StatusUpdate, ctx: ApplyContext) => void;

const refAppliers = new Map<string, RefApplier>();
const statusAppliers = new Map<string, StatusApplier[]>();

/** Registers the applier for a reference dataset; returns a function that unregisters it. */
export function registerPullApplier(dataset: string, applier: RefApplier): () => void {
  refAppliers.set(dataset, applier);
  return () => {
    if (refAppliers.get(dataset) === applier) refAppliers.delete(dataset);
  };
}

export function registeredDatasets(): string[] {
  return [...refAppliers.keys()].sort();
}

/** Lets a service (telegram, eID) update its own rows in the same transaction as a status update. */
export function registerStatusApplier(entity: StatusUpdate['entity'], applier: StatusApplier): () => void {
  const list = statusAppliers.get(entity) ?? [];
  list.push(applier);
  statusAppliers.set(entity, list);
  return () => {
    const l = statusAppliers.get(entity);
    if (l) statusAppliers.set(entity, l.filter((a) => a !== applier));
  };
}

/** Applies one reference row; returns a problem text when its applier refused it. */
export function applyRefItem(item: RefPullItem, ctx: ApplyContext): string | null {
  prep(ctx.db, 'INSERT INTO sync_reference (dataset, key, data, deleted, at, cursor) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dataset, key) DO UPDATE SET data = excluded.data, deleted = excluded.deleted, at = excluded.at, cursor = excluded.cursor').run(
    item.dataset,
    item.key,
    item.deleted ? null : JSON.stringify(item.data),
    item.deleted ? 1 : 0,
    item.at,
    item.cursor,
  );
  const applier = refAppliers.get(item.dataset);
  if (!applier) return null;
  try {
    ctx.db.transaction(() => applier(item, ctx))();
    return null;
  } catch (e) {
    return `${item.dataset}/${item.key}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Applies one status update: kept if it is not older than the one held. */
export function applyStatusUpdate(update: StatusUpdate, cursor: number, ctx: ApplyContext): string | null {
  const r = prep(
    ctx.db,
    `INSERT INTO sync_status_updates (entity, ref, status, at, cursor, received_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (entity, ref) DO UPDATE SET status = excluded.status, at = excluded.at, cursor = excluded.cursor, received_at = excluded.received_at
     WHERE excluded.at >= sync_status_updates.at`,
  ).run(update.entity, update.ref, update.status, update.at, cursor, ctx.now);
  if (r.changes === 0) return null;
  for (const a of statusAppliers.get(update.entity) ?? []) {
    try {
      ctx.db.transaction(() => a(update, ctx))();
    } catch (e) {
      return `${update.entity}/${update.ref}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return null;
}

/** Re-applies every stored row of a dataset (after registering an applier the app did not have when they arrived). */
export function replayDataset(store: Store, dataset: string): { applied: number; problems: string[] } {
  const problems: string[] = [];
  let applied = 0;
  const applier = refAppliers.get(dataset);
  if (!applier) return { applied, problems: [`no applier is registered for ${dataset}`] };
  store.db.transaction(() => {
    const rows = prep(store.db, 'SELECT dataset, key, data, deleted, at, cursor FROM sync_reference WHERE dataset = ? ORDER BY cursor').all(dataset) as { dataset: string; key: string; data: string | null; deleted: number; at: string; cursor: number }[];
    for (const r of rows) {
      const item: RefPullItem = { cursor: r.cursor, kind: 'ref', dataset: r.dataset, key: r.key, data: r.data === null ? null : (JSON.parse(r.data) as unknown), deleted: r.deleted === 1, at: r.at };
      try {
        store.db.transaction(() => applier(item, { db: store.db, now: store.now().toISOString() }))();
        applied++;
      } catch (e) {
        problems.push(`${r.dataset}/${r.key}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }).immediate();
  return { applied, problems };
}

/**
 * Tariffs: a central row becomes a tariffs row (source 'central'). A row
 * already in force is never changed — receipts keep their price and a new
 * price comes as a new row with a later valid_from; a row not yet in force
 * may still be corrected.
 */
export const applyTariff: RefApplier = (item, { db, now }) => {
  if (item.deleted) throw new Error('tariff rows are never deleted; publish a new row with a later valid_from');
  const row = TariffRowSchema.parse(item.data);
  const validFrom = new Date(row.valid_from).toISOString();
  const existing = prep(db, 'SELECT item_kind, name_sr, name_en, price_para FROM tariffs WHERE code = ? AND valid_from = ?').get(row.code, validFrom) as
    | { item_kind: string; name_sr: string; name_en: string; price_para: number }
    | undefined;
  if (!existing) {
    prep(db, "INSERT INTO tariffs (code, item_kind, name_sr, name_en, price_para, valid_from, source) VALUES (?, ?, ?, ?, ?, ?, 'central')").run(row.code, row.item_kind, row.name_sr, row.name_en, row.price_para, validFrom);
    return;
  }
  if (existing.item_kind === row.item_kind && existing.name_sr === row.name_sr && existing.name_en === row.name_en && existing.price_para === row.price_para) return;
  if (validFrom <= now) throw new Error(`tariff ${row.code} from ${validFrom} is already in force here with other values; it was kept`);
  prep(db, "UPDATE tariffs SET item_kind = ?, name_sr = ?, name_en = ?, price_para = ?, source = 'central' WHERE code = ? AND valid_from = ?").run(row.item_kind, row.name_sr, row.name_en, row.price_para, row.code, validFrom);
};

registerPullApplier('tariffs', applyTariff);
