/**
 * The main-process side of the API contract: one handler per method, and the
 * one dispatch function both transports (Electron IPC, loopback HTTP) call.
 * Order of checks: method known → input valid against the contract's schema
 * → session and role → handler. Errors leave as a stable code and words;
 * stacks go to the log only.
 */
import { z } from 'zod';
import { api, isMethodName, type MethodName, type Output, type ParsedInput } from '../domain/api.js';
import { AppError, type ErrorInfo, type Result } from '../domain/errors.js';
import * as auth from './auth.js';
import * as till from './till.js';
import * as counter from './counter.js';
import * as receipts from './receipts.js';
import { renderReceiptHtml, renderReceiptPdf } from './receiptPrint.js';
import { currentTariffs } from './tariffs.js';
import * as payments from './payments.js';
import * as sync from './sync/index.js';
import { ensureSyncAgent } from './syncRuntime.js';
import { initialSetup, requireSetUp, systemInfo } from './setup.js';
import { verifyStore } from './verify.js';
import { type Store, getSettingNumber, isoNow, inTransaction } from './store.js';
import { appendAudit } from '../db/audit.js';

export interface CallContext {
  session: auth.Session | null;
}

type Handler<M extends MethodName> = (store: Store, input: ParsedInput<M>, ctx: CallContext) => Output<M> | Promise<Output<M>>;

function s(ctx: CallContext): auth.Session {
  if (!ctx.session) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return ctx.session;
}

/** Bounds that keep the PIN lockout and the idle lock from being switched off through settings. */
const SETTING_RANGES: Record<'idle_lock_seconds' | 'pin_max_attempts' | 'pin_lock_seconds', [number, number]> = {
  idle_lock_seconds: [30, 3600],
  pin_max_attempts: [3, 10],
  pin_lock_seconds: [60, 86_400],
};

export const handlers: { [M in MethodName]: Handler<M> } = {
  'system.info': (store) => systemInfo(store),
  'setup.init': (store, input) => initialSetup(store, input),

  'auth.signIn': (store, input) => {
    requireSetUp(store);
    return auth.signIn(store, input.personalNo, input.pin);
  },
  'auth.signOut': (store, _i, ctx) => {
    auth.signOut(store, s(ctx));
    return { signedOut: true as const };
  },
  'auth.me': (store, _i, ctx) => ({
    clerk: s(ctx).clerk,
    idleLockSeconds: getSettingNumber(store, 'idle_lock_seconds', 300),
    locked: s(ctx).locked,
    till: s(ctx).locked ? null : till.tillStatus(store, s(ctx).clerk.id),
  }),
  'auth.lock': (store, _i, ctx) => {
    auth.lock(store, s(ctx));
    return { locked: true as const };
  },
  'auth.unlock': (store, input, ctx) => {
    auth.unlock(store, s(ctx), input.pin);
    return { unlocked: true as const };
  },

  'clerks.list': (store) => auth.listClerks(store),
  'clerks.create': (store, input, ctx) => auth.createClerk(store, s(ctx).clerk.id, input),
  'clerks.setActive': (store, input, ctx) => auth.setClerkActive(store, s(ctx).clerk.id, input.clerkId, input.active),
  'clerks.unlock': (store, input, ctx) => auth.unlockClerk(store, s(ctx).clerk.id, input.clerkId),
  'clerks.resetPin': (store, input, ctx) => auth.resetPin(store, s(ctx).clerk.id, input.clerkId, input.pin),

  'settings.get': (store) => {
    const rows = store.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  },
  'settings.set': (store, input, ctx) => {
    const [min, max] = SETTING_RANGES[input.key];
    const v = Number(input.value);
    if (v < min || v > max) throw new AppError('VALIDATION_FAILED', `${input.key} must be between ${min} and ${max}`, { field: 'value' });
    inTransaction(store, () => {
      store.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(input.key, input.value);
      appendAudit(store.db, { at: isoNow(store), clerkId: s(ctx).clerk.id, action: 'settings.changed', entity: 'setting', entityId: input.key, payload: { value: input.value } });
    });
    return handlers['settings.get'](store, {}, ctx) as Record<string, string>;
  },

  'till.denominations': (store) => till.listDenominations(store),
  'till.status': (store, _i, ctx) => till.tillStatus(store, s(ctx).clerk.id),
  'till.open': (store, input, ctx) => till.openTill(store, s(ctx), input.count),
  'till.remittance': (store, input, ctx) => till.remittance(store, s(ctx), input),
  'till.close': (store, input, ctx) => till.closeTill(store, s(ctx), input),
  'till.list': (store, input) => till.listTills(store, input.businessDay),

  'catalog.tariffs': (store, input) => currentTariffs(store, isoNow(store), input.itemKind),

  'counter.quote': (store, input, ctx) => counter.quote(store, s(ctx), input.items),
  'counter.checkout': (store, input, ctx) => counter.checkout(store, s(ctx), input),

  'receipts.get': (store, input) => receipts.getReceipt(store, input.number),
  'receipts.list': (store, input) => receipts.listReceipts(store, input),
  'receipts.reprint': (store, input, ctx) => receipts.reprintReceipt(store, s(ctx), input.number),
  'receipts.html': (store, input) => ({ html: renderReceiptHtml(receipts.getReceipt(store, input.number, input.copy)) }),
  'receipts.pdf': async (store, input) => ({ pdfBase64: (await renderReceiptPdf(receipts.getReceipt(store, input.number, input.copy))).toString('base64') }),

  'payments.lookupBiller': (store, input) => payments.lookupBiller(store, input.account),
  'payments.billers': (store, input) => payments.listBillers(store, input),
  'payments.saveBiller': (store, input, ctx) => payments.saveBiller(store, s(ctx).clerk.id, input),
  'payments.feeTable': (store) => payments.feeTableAt(store, 'bill_payment', isoNow(store)),
  'payments.replaceFeeTable': (store, input, ctx) => payments.replaceFeeTable(store, s(ctx).clerk.id, 'bill_payment', input.bands),
  'payments.cutoffs': (store) => payments.listCutoffs(store),
  'payments.saveCutoff': (store, input, ctx) => payments.saveCutoff(store, s(ctx).clerk.id, input),
  'payments.confirmation': async (store, input) => ({ html: await payments.confirmationFor(store, input.number, input.lineNo, input.copy) }),

  'sync.enroll': async (store, input) => {
    requireSetUp(store);
    await sync.enrollDevice(store, input.serverUrl, input.code);
    ensureSyncAgent(store);
    return sync.getSyncStatus(store);
  },
  'sync.status': (store) => sync.getSyncStatus(store),
  'sync.now': (store) => sync.syncNow(store),
  'sync.setAside': (store) => sync.listSetAside(store),
  'sync.retrySetAside': (store, input, ctx) => {
    const r = sync.retrySetAside(store, input.seq, { clerkId: s(ctx).clerk.id });
    ensureSyncAgent(store)?.connectionRestored();
    return r;
  },
  'sync.retryAllSetAside': (store, _i, ctx) => {
    const r = sync.retryAllSetAside(store, { clerkId: s(ctx).clerk.id });
    ensureSyncAgent(store)?.connectionRestored();
    return r;
  },
  'status.lookup': (store, input) => sync.getStatus(store, input.entity, input.ref),

  'system.verify': (store) => verifyStore(store),
};

/** Polled by the screen on its own, not by the clerk: they do not count as activity for the idle lock. */
const BACKGROUND = new Set<MethodName>(['sync.status']);

/** Methods a locked session may still call. */
const ALLOWED_WHEN_LOCKED = new Set<MethodName>(['auth.unlock', 'auth.signOut', 'auth.me', 'system.info']);

export function zodToAppError(err: z.ZodError): AppError {
  const first = err.issues[0];
  const field = first && first.path.length > 0 ? first.path.join('.') : undefined;
  const message = first ? `${field ? `${field}: ` : ''}${first.message}` : 'Invalid input';
  return new AppError('VALIDATION_FAILED', message, { ...(field ? { field } : {}), details: { issues: err.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) } });
}

/** Validates input against the method's schema. Throws VALIDATION_FAILED / UNKNOWN_METHOD. */
export function validateInput(method: string, raw: unknown): { method: MethodName; input: unknown } {
  if (!isMethodName(method)) throw new AppError('UNKNOWN_METHOD', `There is no API method "${String(method).slice(0, 64)}"`);
  const parsed = api[method].input.safeParse(raw === undefined ? {} : raw);
  if (!parsed.success) throw zodToAppError(parsed.error);
  return { method, input: parsed.data };
}

export type Logger = (level: 'error' | 'warn' | 'info', msg: string, extra?: Record<string, unknown>) => void;

const defaultLogger: Logger = (level, msg, extra) => {
  if (level === 'error') console.error(`[postdesk] ${msg}`, extra ?? '');
};

export interface Dispatcher {
  call(method: string, rawInput: unknown, sessionToken: string | null | undefined): Promise<Result<unknown>>;
}

export function toErrorInfo(e: unknown, log: Logger, method: string): ErrorInfo {
  if (e instanceof AppError) return e.toInfo();
  if (e instanceof z.ZodError) return zodToAppError(e).toInfo();
  const code = sqliteErrorCode(e);
  log('error', `${method} failed`, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  if (code) return code;
  return { code: 'INTERNAL', message: 'Something went wrong inside PostDesk; nothing was saved. The details are in the log.' };
}

function sqliteErrorCode(e: unknown): ErrorInfo | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return { code: 'DB_READ_ONLY', message: 'The database is read-only; nothing was saved. Check the disk and the data folder permissions.' };
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return { code: 'DB_CORRUPT', message: 'The database is damaged; nothing was saved. Run "postdesk verify" and restore a backup.' };
  return null;
}

/** Creates the dispatcher both transports call. */
export function createDispatcher(store: Store, opts: { log?: Logger } = {}): Dispatcher {
  const log = opts.log ?? defaultLogger;
  return {
    async call(method, rawInput, sessionToken) {
      try {
        const v = validateInput(method, rawInput);
        const def = api[v.method];
        let session: auth.Session | null = null;
        if (def.role !== 'public') {
          session = auth.resolveSession(store, sessionToken, { allowLocked: ALLOWED_WHEN_LOCKED.has(v.method), touch: !BACKGROUND.has(v.method) });
          auth.requireRole(session, def.role);
        }
        const handler = handlers[v.method] as (store: Store, input: unknown, ctx: CallContext) => unknown;
        const value = await handler(store, v.input, { session });
        return { ok: true, value };
      } catch (e) {
        return { ok: false, error: toErrorInfo(e, log, method) };
      }
    },
  };
}

/** HTTP status for an error code. */
export function httpStatusOf(code: string): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'BAD_JSON':
    case 'AMOUNT_INVALID':
    case 'AMOUNT_TOO_LARGE':
    case 'ITEM_INVALID':
    case 'ITEM_KIND_UNKNOWN':
      return 400;
    case 'TOKEN_REQUIRED':
    case 'UNAUTHENTICATED':
    case 'BAD_CREDENTIALS':
      return 401;
    case 'FORBIDDEN':
    case 'ORIGIN_FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_METHOD':
      return 404;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'SESSION_LOCKED':
    case 'CLERK_LOCKED':
      return 423;
    case 'INTERNAL':
    case 'DB_CORRUPT':
    case 'DB_READ_ONLY':
      return 500;
    default:
      return code.endsWith('_INVALID') ? 400 : 409;
  }
}
