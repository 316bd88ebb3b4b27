/** First-run setup and what the app knows about itself. */
import { prep } from '../db/prepared.js';
import { AppError } from '../domain/errors.js';
import type { SystemInfo } from '../domain/api.js';
import { uuidv7 } from '../domain/uuid7.js';
import { appendAudit } from '../db/audit.js';
import { currentVersion } from '../db/open.js';
import { hashPin } from './auth.js';
import { businessDayOf } from './clock.js';
import { type Store, getMeta, inTransaction, isoNow, setMeta } from './store.js';

export const APP_VERSION = '0.1.0';

export function isSetUp(store: Store): boolean {
  return getMeta(store, 'branch_code') !== null;
}

export function requireSetUp(store: Store): { branchCode: string; counterNo: number } {
  const branchCode = getMeta(store, 'branch_code');
  const counterNo = getMeta(store, 'counter_no');
  if (!branchCode || !counterNo) throw new AppError('NOT_SET_UP', 'This counter is not set up yet: run first-run setup');
  return { branchCode, counterNo: Number(counterNo) };
}

export function systemInfo(store: Store): SystemInfo {
  const branchCode = getMeta(store, 'branch_code');
  const counterNo = getMeta(store, 'counter_no');
  return {
    setUp: branchCode !== null,
    branchCode,
    counterNo: counterNo === null ? null : Number(counterNo),
    appVersion: APP_VERSION,
    schemaVersion: currentVersion(store.db),
    businessDay: businessDayOf(store.now()),
  };
}

export interface SetupInput {
  branchCode: string;
  counterNo: number;
  supervisor: { personalNo: string; name: string; pin: string };
}

/** Writes the branch, the counter and the first supervisor, once. */
export function initialSetup(store: Store, input: SetupInput): SystemInfo {
  const pinHash = hashPin(input.supervisor.pin);
  inTransaction(store, () => {
    if (isSetUp(store)) throw new AppError('ALREADY_SET_UP', 'This counter is already set up');
    const at = isoNow(store);
    setMeta(store, 'branch_code', input.branchCode);
    setMeta(store, 'counter_no', String(input.counterNo));
    setMeta(store, 'device_id', uuidv7());
    setMeta(store, 'set_up_at', at);
    const r = prep(store.db, "INSERT INTO clerks (personal_no, name, role, pin_hash, created_at) VALUES (?, ?, 'supervisor', ?, ?)")
      .run(input.supervisor.personalNo, input.supervisor.name, pinHash, at);
    appendAudit(store.db, {
      at,
      clerkId: Number(r.lastInsertRowid),
      action: 'setup.completed',
      entity: 'counter',
      entityId: `${input.branchCode}-${input.counterNo}`,
      payload: { branchCode: input.branchCode, counterNo: input.counterNo, supervisor: input.supervisor.personalNo },
    });
  });
  return systemInfo(store);
}
