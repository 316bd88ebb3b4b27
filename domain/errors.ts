/**
 * Stable error codes. A code, once shipped, keeps its meaning: the renderer
 * translates it, operators grep logs for it, and the central server may
 * receive it in a set-aside batch reason. Add codes; never rename them.
 */
export const ERROR_CODES = [
  // transport and contract
  'VALIDATION_FAILED',
  'UNKNOWN_METHOD',
  'TOKEN_REQUIRED',
  'ORIGIN_FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'BAD_JSON',
  'INTERNAL',
  // setup
  'NOT_SET_UP',
  'ALREADY_SET_UP',
  // auth
  'UNAUTHENTICATED',
  'SESSION_LOCKED',
  'BAD_CREDENTIALS',
  'CLERK_LOCKED',
  'CLERK_INACTIVE',
  'FORBIDDEN',
  'DUPLICATE_PERSONAL_NO',
  // till
  'TILL_NOT_OPEN',
  'TILL_ALREADY_OPEN',
  'TILL_CLOSED',
  'DIFFERENCE_REASON_REQUIRED',
  'COUNT_MISMATCH',
  'TILL_CASH_SHORT',
  // counter
  'EMPTY_BASKET',
  'ITEM_KIND_UNKNOWN',
  'ITEM_INVALID',
  'TARIFF_UNKNOWN',
  'PRICE_CHANGED',
  'INSUFFICIENT_TENDER',
  'TENDER_INVALID',
  'OPERATION_CONFLICT',
  'NOT_FOUND',
  'BILLER_ACCOUNT_TAKEN',
  // money and domain parsing
  'AMOUNT_INVALID',
  'AMOUNT_TOO_LARGE',
  // database
  'DB_NEWER_THAN_APP',
  'DB_CORRUPT',
  'DB_READ_ONLY',
  // printing
  'PRINT_FAILED',
  // payment slip parsing (account, reference, payment code, IPS QR, JMBG, fees)
  'IPS_QR_INVALID',
  'ACCOUNT_INVALID',
  'REFERENCE_INVALID',
  'REFERENCE_MODEL_UNKNOWN',
  'PAYMENT_CODE_INVALID',
  'JMBG_INVALID',
  'FEE_BANDS_INVALID',
  // sync (branch ⇄ central)
  'SYNC_NOT_ENROLLED',
  'SYNC_ENROLL_INVALID',
  'SYNC_ENROLL_EXPIRED',
  'SYNC_ENROLL_USED',
  'SYNC_AUTH_REQUIRED',
  'SYNC_UNKNOWN_DEVICE',
  'SYNC_BAD_SIGNATURE',
  'SYNC_CLOCK_SKEW',
  'SYNC_REPLAY',
  'SYNC_GAP',
  'SYNC_MALFORMED',
  'SYNC_SEQ_CONFLICT',
  'SYNC_UNREACHABLE',
  'SYNC_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: string;
  message: string;
  /** Field path or tag a validation error is about, when there is one. */
  field?: string;
  /** Extra machine-readable facts (never personal data, never a stack). */
  details?: Record<string, unknown>;
}

/** An error meant to reach a person: a stable code plus an English message the UI may translate. */
export class AppError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode | (string & {}), message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (opts.field !== undefined) this.field = opts.field;
    if (opts.details !== undefined) this.details = opts.details;
  }
  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.field !== undefined) info.field = this.field;
    if (this.details !== undefined) info.details = this.details;
    return info;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
