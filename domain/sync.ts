/**
 * The branch ⇄ central sync protocol: wire shapes, limits, the text a request
 * and an answer are signed over, and the pure rules both sides share (how a
 * batch extends a device's contiguous sequence, backoff, the clock-skew
 * message). Hashing and HMAC happen in Node code; nothing here does I/O.
 *
 * Protocol v1, in short:
 *  - POST /v1/enroll {code, clientKey} → {deviceId, secret}: a one-time code
 *    becomes a device id + secret. A retry with the same clientKey gets the
 *    same answer, so a lost answer does not burn the code.
 *  - Every other request carries device, timestamp, nonce and an HMAC-SHA256
 *    over canonicalRequest(); every answer to an authenticated request carries
 *    an HMAC over canonicalResponse(), bound to the request's nonce.
 *  - POST /v1/push {device, events, setAside} (gzip): the server stores the
 *    events with UNIQUE(device, seq) in one transaction and answers the highest
 *    contiguous seq it holds; a batch starting beyond it is refused (SYNC_GAP)
 *    with the seq it expects. The stored set for a device is always exactly
 *    1..ackedThrough.
 *  - A seq the device set aside (refused as malformed) is declared in setAside;
 *    the server keeps a placeholder, so contiguity moves on. Resending the real
 *    event later fills the placeholder.
 *  - GET /v1/pull?after=C&limit=N → reference data and status updates after
 *    cursor C, in cursor order; the counter applies a page and its cursor in one
 *    transaction.
 */
import { z } from 'zod';

export const SYNC_PROTOCOL_VERSION = 1;

export const SYNC_PATHS = {
  health: '/v1/health',
  enroll: '/v1/enroll',
  push: '/v1/push',
  pull: '/v1/pull',
} as const;

/** Header names, lower case as Node presents them. */
export const SYNC_HEADERS = {
  device: 'x-postdesk-device',
  timestamp: 'x-postdesk-timestamp',
  nonce: 'x-postdesk-nonce',
  signature: 'x-postdesk-signature',
} as const;

/** A request whose timestamp is further than this from the server's clock is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Nonces are remembered long enough that any request still inside the skew window is recognised. */
export const NONCE_RETENTION_MS = 2 * MAX_CLOCK_SKEW_MS + 60_000;
/** One event's payload (canonical JSON text) may not exceed this many UTF-8 bytes. */
export const MAX_EVENT_PAYLOAD_BYTES = 64 * 1024;
/** The server refuses batches with more entries than this. */
export const MAX_BATCH_EVENTS = 5000;
export const DEFAULT_BATCH_MAX_EVENTS = 500;
export const DEFAULT_BATCH_MAX_BYTES = 1024 * 1024;
export const DEFAULT_PULL_PAGE = 500;
export const MAX_PULL_PAGE = 2000;

// ---------------------------------------------------------------------------
// Small value rules

const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Outbox event types: "receipt.committed", "till.closed", … */
export const EVENT_TYPE_RE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/;
export const NONCE_RE = /^[A-Za-z0-9_-]{16,128}$/;
export const DEVICE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
export const BRANCH_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/;
export const DATASET_RE = /^[a-z][a-z0-9_]{0,39}$/;
export const TARIFF_CODE_RE = /^[A-Z0-9][A-Z0-9_]{0,39}$/;

export function isIsoInstant(s: unknown): s is string {
  return typeof s === 'string' && ISO_INSTANT_RE.test(s) && !Number.isNaN(Date.parse(s));
}

export const IsoInstantSchema = z.string().refine(isIsoInstant, 'must be an ISO-8601 instant with a zone');
const SeqSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const EventIdSchema = z.string().regex(UUID_RE, 'must be a lower-case UUID');

/** Number of UTF-8 bytes in a string, without Buffer or TextEncoder. */
export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Answer envelope (the same as the app's API)

export const ErrorInfoSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  field: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const EnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
]);
export type Envelope = z.infer<typeof EnvelopeSchema>;

// ---------------------------------------------------------------------------
// Enrollment

/** One-time codes are 16 characters of Crockford base32, shown in groups of four. */
export const ENROLL_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Upper-cases, drops blanks and dashes, and reads the look-alikes I/L as 1 and O as 0. */
export function normalizeEnrollCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

export function formatEnrollCode(normalized: string): string {
  return normalized.replace(/(.{4})(?=.)/g, '$1-');
}

export const EnrollRequestSchema = z.object({
  code: z.string().min(8).max(64),
  /** Random per enrollment attempt: a retry with the same key gets the same device back. */
  clientKey: z.string().regex(UUID_RE),
  /** When set, the code must have been issued for this branch and counter (checked before the code is used up). */
  branch: z.string().regex(BRANCH_RE).optional(),
  counter: z.string().regex(BRANCH_RE).optional(),
  /** The device id this store had before; the same branch/counter keeps its sequence and gets a new secret. */
  previousDevice: z.string().regex(DEVICE_ID_RE).optional(),
});
export type EnrollRequest = z.infer<typeof EnrollRequestSchema>;

export const EnrollAnswerSchema = z.object({
  deviceId: z.string().regex(DEVICE_ID_RE),
  secret: z.string().min(32).max(200),
  branch: z.string(),
  counter: z.string(),
  /** The highest contiguous seq the server already holds for this device (non-zero after re-enrolling). */
  ackedThrough: z.number().int().nonnegative(),
  serverTime: IsoInstantSchema,
});
export type EnrollAnswer = z.infer<typeof EnrollAnswerSchema>;

// ---------------------------------------------------------------------------
// Push

/** One outbox event on the wire. payload is the outbox's canonical JSON text, sent byte for byte. */
export const PushEventSchema = z
  .object({
    seq: SeqSchema,
    id: EventIdSchema,
    type: z.string().min(1).max(64).regex(EVENT_TYPE_RE, 'must be dotted lower-case words'),
    at: IsoInstantSchema,
    payload: z.string(),
  })
  .strict();
export type PushEvent = z.infer<typeof PushEventSchema>;

/** A seq the device set aside: the server keeps a placeholder so the sequence can move on. */
export const SetAsideDeclSchema = z
  .object({
    seq: SeqSchema,
    id: EventIdSchema,
    reason: z.string().max(1000),
  })
  .strict();
export type SetAsideDecl = z.infer<typeof SetAsideDeclSchema>;

/** The batch envelope. Events are checked one by one (validatePushEvent) so a refusal can name them. */
export const PushBatchEnvelopeSchema = z
  .object({
    device: z.string().regex(DEVICE_ID_RE),
    events: z.array(z.unknown()).max(MAX_BATCH_EVENTS),
    setAside: z.array(SetAsideDeclSchema).max(MAX_BATCH_EVENTS).optional(),
  })
  .strict();

export interface PushBatch {
  device: string;
  events: PushEvent[];
  setAside?: SetAsideDecl[];
}

export const PushAnswerSchema = z.object({
  ackedThrough: z.number().int().nonnegative(),
  /** Present when the server did not take everything it was sent: resend from this seq. */
  expected: SeqSchema.optional(),
});
export type PushAnswer = z.infer<typeof PushAnswerSchema>;

/** details of a SYNC_GAP refusal. */
export const GapDetailsSchema = z.object({
  ackedThrough: z.number().int().nonnegative(),
  expected: SeqSchema,
});

/** One event the server refused, by its index in the batch (and seq when it could read one). */
export const RejectedEventSchema = z.object({
  index: z.number().int().nonnegative(),
  seq: SeqSchema.optional(),
  reason: z.string(),
});
export type RejectedEvent = z.infer<typeof RejectedEventSchema>;

/** details of a SYNC_MALFORMED refusal. An empty list means the batch as a whole was unreadable. */
export const MalformedDetailsSchema = z.object({
  rejected: z.array(RejectedEventSchema),
});

/**
 * Checks one wire event. Beyond the schema, the payload must be a JSON object
 * of at most maxPayloadBytes. The reason is English for the supervisor's list.
 */
export function validatePushEvent(raw: unknown, maxPayloadBytes: number = MAX_EVENT_PAYLOAD_BYTES): { ok: true; event: PushEvent } | { ok: false; seq?: number; reason: string } {
  const seq = raw && typeof raw === 'object' && typeof (raw as { seq?: unknown }).seq === 'number' && Number.isSafeInteger((raw as { seq: number }).seq) && (raw as { seq: number }).seq > 0 ? (raw as { seq: number }).seq : undefined;
  let event = pushEventShape(raw);
  if (!event) {
    // The schema names what is wrong; it runs only for the rare refused event.
    const r = PushEventSchema.safeParse(raw);
    if (r.success) event = r.data;
    else {
      const issue = r.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'event';
      return withSeq(seq, `${where}: ${issue?.message ?? 'invalid'}`);
    }
  }
  // A UTF-16 unit is 1–3 UTF-8 bytes, so counting is needed only in between.
  const len = event.payload.length;
  if (len * 3 > maxPayloadBytes) {
    const size = utf8ByteLength(event.payload);
    if (size > maxPayloadBytes) return withSeq(seq, `payload is ${size} bytes; the limit is ${maxPayloadBytes}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.payload);
  } catch {
    return withSeq(seq, 'payload is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return withSeq(seq, 'payload must be a JSON object');
  return { ok: true, event };
}

const PUSH_EVENT_KEYS = new Set(['seq', 'id', 'type', 'at', 'payload']);

/** The same acceptance as PushEventSchema, without building issues: the server checks every event it receives. */
function pushEventShape(raw: unknown): PushEvent | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const e = raw as Record<string, unknown>;
  let keys = 0;
  for (const k in e) {
    if (!PUSH_EVENT_KEYS.has(k)) return null;
    keys++;
  }
  if (keys !== 5) return null;
  const { seq, id, type, at, payload } = e;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) return null;
  if (typeof id !== 'string' || !UUID_RE.test(id)) return null;
  if (typeof type !== 'string' || type.length === 0 || type.length > 64 || !EVENT_TYPE_RE.test(type)) return null;
  if (!isIsoInstant(at) || typeof payload !== 'string') return null;
  return { seq, id, type, at, payload };
}

function withSeq(seq: number | undefined, reason: string): { ok: false; seq?: number; reason: string } {
  return seq === undefined ? { ok: false, reason } : { ok: false, seq, reason };
}

// ---------------------------------------------------------------------------
// How a batch extends a device's sequence (the server's rule, kept pure so it can be property-tested)

export interface BatchItem {
  seq: number;
  id: string;
  /** A real event, or a declaration that the device set this seq aside. */
  kind: 'event' | 'set_aside';
  event?: PushEvent;
  reason?: string;
}

export interface ExistingRow {
  eventId: string;
  state: 'event' | 'set_aside';
}

export type BatchPlan =
  | { kind: 'gap'; ackedThrough: number; expected: number }
  | { kind: 'conflict'; ackedThrough: number; seq: number; storedId: string; sentId: string }
  | {
      kind: 'apply';
      /** New rows, all above the old ackedThrough and contiguous with it. */
      inserts: BatchItem[];
      /** Placeholders to replace with the real event. */
      fills: BatchItem[];
      ackedThrough: number;
      /** Set when items beyond a hole were left out. */
      expected?: number;
    };

/**
 * Given what the server holds for a device (exactly 1..held) and a batch
 * sorted by seq without repeats, decides what to write. existing has the
 * stored rows for the batch's seqs ≤ held.
 */
export function planBatch(held: number, items: readonly BatchItem[], existing: ReadonlyMap<number, ExistingRow>): BatchPlan {
  const first = items[0];
  if (!first) return { kind: 'apply', inserts: [], fills: [], ackedThrough: held };
  if (first.seq > held + 1) return { kind: 'gap', ackedThrough: held, expected: held + 1 };
  const inserts: BatchItem[] = [];
  const fills: BatchItem[] = [];
  let next = held + 1;
  let skipped = false;
  for (const it of items) {
    if (it.seq <= held) {
      const ex = existing.get(it.seq);
      if (!ex) continue; // cannot happen while the invariant holds; nothing to do either way
      if (ex.eventId !== it.id) return { kind: 'conflict', ackedThrough: held, seq: it.seq, storedId: ex.eventId, sentId: it.id };
      if (ex.state === 'set_aside' && it.kind === 'event') fills.push(it);
      continue;
    }
    if (it.seq === next) {
      inserts.push(it);
      next++;
      continue;
    }
    if (it.seq > next) {
      skipped = true;
      break;
    }
  }
  const plan: BatchPlan = { kind: 'apply', inserts, fills, ackedThrough: next - 1 };
  if (skipped) plan.expected = next;
  return plan;
}

/**
 * Turns a parsed batch into items sorted by seq. Returns a reason when the same
 * seq appears twice with different ids (the batch is then malformed).
 */
export function batchItems(events: readonly PushEvent[], setAside: readonly SetAsideDecl[]): { items: BatchItem[] } | { error: string; seq: number } {
  const all: BatchItem[] = [
    ...events.map((e): BatchItem => ({ seq: e.seq, id: e.id, kind: 'event', event: e })),
    ...setAside.map((d): BatchItem => ({ seq: d.seq, id: d.id, kind: 'set_aside', reason: d.reason })),
  ];
  all.sort((a, b) => a.seq - b.seq || (a.kind === 'event' ? -1 : 1));
  const out: BatchItem[] = [];
  for (const it of all) {
    const prev = out[out.length - 1];
    if (prev && prev.seq === it.seq) {
      if (prev.id !== it.id) return { error: `seq ${it.seq} appears twice with different event ids`, seq: it.seq };
      continue; // an event and its declaration: the event wins
    }
    out.push(it);
  }
  return { items: out };
}

// ---------------------------------------------------------------------------
// Pull

export const StatusEntitySchema = z.enum(['telegram', 'eid']);
export type StatusEntity = z.infer<typeof StatusEntitySchema>;

/** States the centre reports; the list grows by appending. */
export const KNOWN_STATUSES: Record<StatusEntity, readonly string[]> = {
  telegram: ['accepted', 'sent', 'delivered', 'undeliverable', 'cancelled'],
  eid: ['submitted', 'in_review', 'activated', 'rejected', 'expired'],
};

export const StatusUpdateSchema = z.object({
  entity: StatusEntitySchema,
  ref: z.string().min(1).max(100),
  status: z.string().regex(/^[a-z][a-z_]{0,31}$/, 'must be a lower-case word'),
  at: IsoInstantSchema,
});
export type StatusUpdate = z.infer<typeof StatusUpdateSchema>;

export const RefPullItemSchema = z.object({
  cursor: z.number().int().positive(),
  kind: z.literal('ref'),
  dataset: z.string().regex(DATASET_RE),
  key: z.string().min(1).max(200),
  /** The row; null when deleted. */
  data: z.unknown(),
  deleted: z.boolean(),
  at: IsoInstantSchema,
});
export type RefPullItem = z.infer<typeof RefPullItemSchema>;

export const StatusPullItemSchema = StatusUpdateSchema.extend({
  cursor: z.number().int().positive(),
  kind: z.literal('status'),
});
export type StatusPullItem = z.infer<typeof StatusPullItemSchema>;

export const PullItemSchema = z.discriminatedUnion('kind', [RefPullItemSchema, StatusPullItemSchema]);
export type PullItem = z.infer<typeof PullItemSchema>;

export const PullPageSchema = z
  .object({
    items: z.array(PullItemSchema),
    /** The cursor to ask after next time: the last item's cursor, or the one asked for when empty. */
    next: z.number().int().nonnegative(),
    more: z.boolean(),
    serverTime: IsoInstantSchema,
  })
  .superRefine((p, ctx) => {
    let prev = 0;
    for (const it of p.items) {
      if (it.cursor <= prev) ctx.addIssue({ code: 'custom', message: 'items must be in increasing cursor order' });
      prev = it.cursor;
    }
    if (p.items.length > 0 && p.next !== prev) ctx.addIssue({ code: 'custom', message: 'next must be the last item cursor' });
  });
export type PullPage = z.infer<typeof PullPageSchema>;

export const PullQuerySchema = z.object({
  after: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  limit: z.coerce.number().int().positive().max(MAX_PULL_PAGE).default(DEFAULT_PULL_PAGE),
});

/** A tariff row as the counter's tariffs table holds it. */
export const TariffRowSchema = z
  .object({
    code: z.string().regex(TARIFF_CODE_RE),
    item_kind: z.string().min(1).max(40),
    name_sr: z.string().min(1).max(200),
    name_en: z.string().min(1).max(200),
    price_para: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    valid_from: IsoInstantSchema,
  })
  .strict();
export type TariffRow = z.infer<typeof TariffRowSchema>;

/** Key of a tariff row in the reference feed: one row per code and validity start. */
export function tariffKey(code: string, validFrom: string): string {
  return `${code}@${validFrom}`;
}

// ---------------------------------------------------------------------------
// Signing

export const REQUEST_SIGNATURE_SCHEME = 'POSTDESK-HMAC-SHA256-V1';
export const RESPONSE_SIGNATURE_SCHEME = 'POSTDESK-RESPONSE-HMAC-SHA256-V1';

export interface RequestToSign {
  method: string;
  /** Path with its query string, exactly as sent (e.g. "/v1/pull?after=0&limit=500"). */
  path: string;
  /** ISO-8601 instant. */
  timestamp: string;
  nonce: string;
  /** Lower-case hex SHA-256 of the body bytes as sent (after gzip); of the empty string when there is none. */
  bodySha256: string;
}

/** The text the device's HMAC-SHA256 covers. Fields never contain a newline, so the join is unambiguous. */
export function canonicalRequest(r: RequestToSign): string {
  for (const [k, v] of Object.entries(r)) {
    if (/[\r\n]/.test(v)) throw new Error(`${k} must not contain a line break`);
  }
  return [REQUEST_SIGNATURE_SCHEME, r.method.toUpperCase(), r.path, r.timestamp, r.nonce, r.bodySha256.toLowerCase()].join('\n');
}

/** The text the server's answer HMAC covers: bound to the request's nonce so an answer cannot be replayed onto another request. */
export function canonicalResponse(r: { nonce: string; status: number; bodySha256: string }): string {
  return [RESPONSE_SIGNATURE_SCHEME, r.nonce, String(r.status), r.bodySha256.toLowerCase()].join('\n');
}

/** SHA-256 of zero bytes, for requests without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// ---------------------------------------------------------------------------
// Clock skew, in words

export function describeDuration(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s || parts.length === 0) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** "The counter's clock is 6 minutes ahead of the central server's (counter: …, central server: …). …" */
export function clockSkewMessage(deviceTime: string, serverTime: string): string {
  const diff = Date.parse(deviceTime) - Date.parse(serverTime);
  const direction = diff > 0 ? 'ahead of' : 'behind';
  return (
    `The counter's clock is ${describeDuration(diff)} ${direction} the central server's ` +
    `(counter: ${deviceTime}, central server: ${serverTime}). Requests more than ${describeDuration(MAX_CLOCK_SKEW_MS)} off are refused; ` +
    `set the counter's date and time correctly and sync again.`
  );
}

// ---------------------------------------------------------------------------
// Retry

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * Exponential backoff with jitter: the ceiling doubles per failure up to
 * maxMs, and the delay is drawn from [ceiling/2, ceiling] so counters that
 * lost the line together do not come back together.
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(Math.max(failures - 1, 0), 40);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exp);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
