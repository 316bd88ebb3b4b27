/**
 * What the central sync service needs from its database. Two implementations:
 * SQLite (one file, the default) and PostgreSQL (production). Both keep the
 * same invariant: the events stored for a device are exactly seqs
 * 1..acked_through (real events or set-aside placeholders), written in one
 * transaction per batch.
 */
import type { BatchItem, PullItem } from '../domain/sync.js';

export interface DeviceRecord {
  id: string;
  secret: string;
  branch: string;
  counter: string;
  ackedThrough: number;
  enrolledAt: string;
  revokedAt: string | null;
}

export interface StoredEvent {
  device: string;
  seq: number;
  eventId: string;
  /** null for a set-aside placeholder */
  type: string | null;
  at: string | null;
  payload: string | null;
  state: 'event' | 'set_aside';
  setAsideReason: string | null;
  receivedAt: string;
}

export type PushOutcome =
  | { kind: 'ok'; ackedThrough: number; expected?: number; inserted: number; filled: number }
  | { kind: 'gap'; ackedThrough: number; expected: number }
  | { kind: 'conflict'; ackedThrough: number; seq: number; storedId: string; sentId: string }
  | { kind: 'unknown_device' };

export type RedeemOutcome =
  | { kind: 'ok'; device: DeviceRecord; reused: boolean }
  | { kind: 'invalid' }
  | { kind: 'used' }
  | { kind: 'expired'; expiresAt: string }
  | { kind: 'mismatch'; branch: string; counter: string };

export interface EnrollmentRecord {
  codeHash: string;
  branch: string;
  counter: string;
  createdAt: string;
  expiresAt: string;
}

export interface RedeemRequest {
  codeHash: string;
  clientKey: string;
  branch?: string;
  counter?: string;
  previousDevice?: string;
  now: string;
  newDeviceId: string;
  newSecret: string;
}

export interface FeedEntry {
  kind: 'ref' | 'status';
  /** ref: dataset name; status: the entity ('telegram' | 'eid'). */
  dataset: string;
  /** ref: row key; status: the request's reference. */
  key: string;
  /** ref: the row as JSON text (null when deleted); status: the status word. */
  data: string | null;
  deleted: boolean;
  /** Only counters of this branch receive it; null for all. */
  branch: string | null;
  at: string;
}

export interface CentralStats {
  devices: number;
  events: number;
  setAside: number;
  feed: number;
}

/** Test-only fault points, used by the kill -9 tests to die at an exact moment. */
export type CrashStage = 'push-before-commit' | 'push-after-commit';
export type CrashHook = (stage: CrashStage) => void;

export interface CentralStorage {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives, for the start-up line (never contains a password). */
  readonly description: string;

  createEnrollment(rec: EnrollmentRecord): Promise<void>;
  /** Uses the code up and returns the device, in one transaction. The same clientKey gets the same device again. */
  redeemEnrollment(req: RedeemRequest): Promise<RedeemOutcome>;
  getDevice(id: string): Promise<DeviceRecord | null>;
  /** Refuses the device from now on (a lost or stolen counter); false when there is no such device. Re-enrolling the same branch/counter lifts it. */
  revokeDevice(id: string, at: string): Promise<boolean>;
  listDevices(): Promise<DeviceRecord[]>;

  /** Records a nonce; false when this device used it before. Forgets nonces older than forgetBefore. */
  useNonce(device: string, nonce: string, at: string, forgetBefore: string): Promise<boolean>;

  /** Stores one batch (items sorted by seq, no repeats) in one transaction. */
  pushBatch(device: string, items: readonly BatchItem[], receivedAt: string): Promise<PushOutcome>;

  /** Appends to the feed and returns its cursor. Publishers are serialised so cursors become visible in order. */
  publish(entry: FeedEntry): Promise<number>;
  /** The newest feed entry for a dataset whose key starts with keyPrefix. */
  latestRef(dataset: string, keyPrefix: string): Promise<(FeedEntry & { cursor: number }) | null>;
  /** Feed entries after a cursor for a device's branch, in cursor order, at most limit + 1 (to know whether there is more). */
  readFeed(branch: string, after: number, limit: number): Promise<PullItem[]>;

  /** All stored events (tests and the operator's export); ordered by device, seq. */
  exportEvents(device?: string): Promise<StoredEvent[]>;
  stats(): Promise<CentralStats>;
  close(): Promise<void>;
}

/** A feed row as the storage returns it, turned into the wire shape. */
export function feedRowToItem(r: { cursor: number; kind: string; dataset: string; key: string; data: string | null; deleted: boolean | number; at: string }): PullItem {
  if (r.kind === 'status') {
    return { cursor: r.cursor, kind: 'status', entity: r.dataset as 'telegram' | 'eid', ref: r.key, status: r.data ?? '', at: r.at };
  }
  return { cursor: r.cursor, kind: 'ref', dataset: r.dataset, key: r.key, data: r.data === null ? null : (JSON.parse(r.data) as unknown), deleted: Boolean(r.deleted), at: r.at };
}
