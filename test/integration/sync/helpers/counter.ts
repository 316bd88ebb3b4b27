/** Test helpers for the counter side: a store in a temp folder, outbox events, enrollment. */
import fs from 'node:fs';
import { appendOutbox } from '../../../../db/outbox.js';
import { createEnrollmentCode } from '../../../../server/admin.js';
import type { CentralStorage } from '../../../../server/storage.js';
import { enrollDevice } from '../../../../services/sync/index.js';
import { openCounterStore, setMeta, type OpenedStore } from '../../../../services/store.js';
import { tempDir } from './central.js';

/** The counter's clock is the real clock plus offsetMs (tests skew it). */
export interface TestClock {
  offsetMs: number;
}

export function openCounter(opts: { branch?: string; counter?: string; dir?: string; clock?: TestClock } = {}): OpenedStore & { clock: TestClock } {
  const dir = opts.dir ?? tempDir('counter');
  const clock = opts.clock ?? { offsetMs: 0 };
  const store = openCounterStore(dir, { now: () => new Date(Date.now() + clock.offsetMs) });
  if (opts.dir === undefined) {
    setMeta(store, 'branch_code', opts.branch ?? '11000');
    setMeta(store, 'counter_no', opts.counter ?? '1');
  }
  return Object.assign(store, { clock });
}

export function removeCounter(store: OpenedStore): void {
  try {
    store.close();
  } catch {
    // already closed
  }
  fs.rmSync(store.dataDir, { recursive: true, force: true });
}

/** A receipt's worth of outbox payload (about 500 bytes of canonical JSON). */
export function receiptPayload(i: number, device = 'c'): Record<string, unknown> {
  return {
    receipt: `${device}-${String(i).padStart(7, '0')}`,
    items: [
      { kind: 'bill_payment', account: '160-0000000012345-67', reference: `97 ${1000 + (i % 9000)}`, amountPara: 123456 + i, feePara: 2500 },
      { kind: 'telegram', words: 12 + (i % 7), class: i % 2 ? 'urgent' : 'ordinary', pricePara: 42000 },
    ],
    tenders: [{ type: 'cash', amountPara: 200000 }],
    totalPara: 167956 + i,
    clerk: 2002,
    till: 7,
    note: 'Уплата рачуна — тест',
  };
}

/** Appends n events, chunk rows per transaction, like checkouts would. Returns the last seq. */
export function seedEvents(store: OpenedStore, n: number, opts: { chunk?: number; type?: string; at?: () => string; tag?: string } = {}): number {
  const chunk = opts.chunk ?? 1000;
  let last = 0;
  let i = 0;
  while (i < n) {
    const m = Math.min(chunk, n - i);
    store.db.transaction(() => {
      for (let k = 0; k < m; k++, i++) {
        last = appendOutbox(store.db, opts.type ?? 'receipt.committed', receiptPayload(i, opts.tag), opts.at ? opts.at() : new Date().toISOString()).seq;
      }
    }).immediate();
  }
  return last;
}

export async function enrollCounter(store: OpenedStore, storage: CentralStorage, url: string): Promise<string> {
  const { getMeta } = await import('../../../../services/store.js');
  const issued = await createEnrollmentCode(storage, { branch: getMeta(store, 'branch_code') ?? '11000', counter: getMeta(store, 'counter_no') ?? '1' });
  return (await enrollDevice(store, url, issued.code)).deviceId;
}

export interface LocalEvent {
  seq: number;
  eventId: string;
  type: string;
  at: string;
  payload: string;
}

export function localEvents(store: OpenedStore): LocalEvent[] {
  return store.db.prepare('SELECT seq, event_id AS eventId, type, created_at AS at, payload FROM outbox ORDER BY seq').all() as LocalEvent[];
}

export function unackedCount(store: OpenedStore): number {
  return (store.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL').get() as { n: number }).n;
}
