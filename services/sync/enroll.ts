/**
 * Enrollment: trade the operator's one-time code for a device id and secret.
 * The secret goes to a 0600 file in the data folder, the device id and server
 * URL to sync_state. A lost answer is retried with the same clientKey, and the
 * server hands the same device back instead of refusing a used code.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../db/audit.js';
import { AppError } from '../../domain/errors.js';
import { BRANCH_RE, EnrollAnswerSchema, SYNC_PATHS, normalizeEnrollCode, type EnrollRequest } from '../../domain/sync.js';
import { getMeta, isoNow, type Store } from '../store.js';
import { writeCredentials } from './credentials.js';
import { getState, setState } from './state.js';
import { answerError, exchange } from './transport.js';

export interface EnrolledDevice {
  deviceId: string;
  branch: string;
  counter: string;
  serverUrl: string;
  /** What the centre already holds for this device (non-zero when a counter re-enrolls). */
  ackedThrough: number;
}

export function normalizeServerUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new AppError('VALIDATION_FAILED', `"${url}" is not a server address; use e.g. https://sync.post.example`, { field: 'serverUrl' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('VALIDATION_FAILED', 'The server address must start with http:// or https://', { field: 'serverUrl' });
  return u.origin + u.pathname.replace(/\/+$/, '');
}

export async function enrollDevice(store: Store, serverUrl: string, code: string, opts: { timeoutMs?: number; attempts?: number } = {}): Promise<EnrolledDevice> {
  const url = normalizeServerUrl(serverUrl);
  const normalized = normalizeEnrollCode(code);
  if (normalized.length < 8) throw new AppError('SYNC_ENROLL_INVALID', 'The enrollment code is too short; it has 16 letters and digits.', { field: 'code' });
  const req: EnrollRequest = { code: normalized, clientKey: randomUUID() };
  const branch = getMeta(store, 'branch_code');
  const counter = getMeta(store, 'counter_no');
  if (branch && BRANCH_RE.test(branch)) req.branch = branch;
  if (counter && BRANCH_RE.test(counter)) req.counter = counter;
  const previous = getState(store, 'device_id');
  if (previous) req.previousDevice = previous;
  const body = Buffer.from(JSON.stringify(req));
  const attempts = opts.attempts ?? 3;
  for (let i = 1; ; i++) {
    try {
      const a = await exchange({ serverUrl: url, method: 'POST', path: SYNC_PATHS.enroll, body, now: store.now(), timeoutMs: opts.timeoutMs ?? 15_000 });
      if (!a.envelope.ok) throw answerError(a);
      const v = EnrollAnswerSchema.safeParse(a.envelope.value);
      if (!v.success) throw new AppError('SYNC_SERVER_ERROR', 'The central server answered the enrollment in a form this counter does not understand.');
      const at = isoNow(store);
      writeCredentials(store.dataDir, { deviceId: v.data.deviceId, secret: v.data.secret, serverUrl: url, branch: v.data.branch, counter: v.data.counter, enrolledAt: at });
      store.db.transaction(() => {
        setState(store, 'device_id', v.data.deviceId);
        setState(store, 'server_url', url);
        setState(store, 'enrolled_at', at);
        appendAudit(store.db, { at, clerkId: null, action: 'sync.enrolled', entity: 'device', entityId: v.data.deviceId, payload: { serverUrl: url, branch: v.data.branch, counter: v.data.counter, previousDevice: previous, ackedThrough: v.data.ackedThrough } });
      }).immediate();
      return { deviceId: v.data.deviceId, branch: v.data.branch, counter: v.data.counter, serverUrl: url, ackedThrough: v.data.ackedThrough };
    } catch (e) {
      const retryable = e instanceof AppError && (e.code === 'SYNC_UNREACHABLE' || e.code === 'INTERNAL');
      if (!retryable || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 300 * i));
    }
  }
}
