/**
 * The renderer's side of the API contract: one typed `call` over two
 * transports. In Electron the preload's window.postdesk carries it over IPC;
 * in browser mode it is `POST /api/<method>` with the launch token. A failed
 * call throws ApiError with the server's stable code.
 */
import type { CallFn, Input, MethodName, Output } from '../domain/api.js';
import type { Result } from '../domain/errors.js';

/** A transport's answer: the contract's result envelope, value not yet typed. */
export type PostdeskBridgeResult = Result<unknown>;

/** Codes the renderer itself raises when the server's answer never arrived. */
export const CLIENT_ERROR_CODES = ['NETWORK', 'BAD_RESPONSE'] as const;

export class ApiError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, message: string, field?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Anything thrown becomes an ApiError, so screens only ever show a code and a sentence. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError('INTERNAL', e instanceof Error ? e.message : String(e));
}

export interface Transport {
  readonly kind: 'electron' | 'http';
  send(method: string, input: unknown, session: string | null): Promise<PostdeskBridgeResult>;
}

const LAUNCH_TOKEN_KEY = 'postdesk.launchToken';

/**
 * Browser mode's launch token: taken from `#token=…` once, kept in
 * sessionStorage (so a reload keeps working) and wiped from the visible URL.
 */
export function takeLaunchToken(loc: Location = window.location, store: Storage = window.sessionStorage): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (m?.[1]) {
    const token = decodeURIComponent(m[1]);
    store.setItem(LAUNCH_TOKEN_KEY, token);
    window.history.replaceState(null, '', loc.pathname + loc.search);
    return token;
  }
  return store.getItem(LAUNCH_TOKEN_KEY);
}

export function httpTransport(token: string | null, base = '/api/'): Transport {
  return {
    kind: 'http',
    async send(method, input, session) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (session) headers['x-postdesk-session'] = session;
      let res: Response;
      try {
        res = await fetch(base + encodeURIComponent(method), { method: 'POST', headers, body: JSON.stringify(input ?? {}), cache: 'no-store', credentials: 'omit' });
      } catch (e) {
        return { ok: false, error: { code: 'NETWORK', message: e instanceof Error ? e.message : 'Network error' } };
      }
      try {
        const body = (await res.json()) as PostdeskBridgeResult;
        if (body && typeof body === 'object' && typeof body.ok === 'boolean') return body;
      } catch {
        // fall through: not our server's JSON
      }
      return { ok: false, error: { code: 'BAD_RESPONSE', message: `HTTP ${res.status}` } };
    },
  };
}

export function electronTransport(bridge: NonNullable<Window['postdesk']>): Transport {
  return {
    kind: 'electron',
    async send(method, input, session) {
      try {
        // The method name was checked against the contract by the typed call() above this transport.
        return await bridge.call(method as MethodName, input as never, session);
      } catch (e) {
        return { ok: false, error: { code: 'NETWORK', message: e instanceof Error ? e.message : String(e) } };
      }
    },
  };
}

export interface ClientHooks {
  /** The clerk session to send with each call. */
  session(): string | null;
  /** Sees every failure first (SESSION_LOCKED shows the lock screen, UNAUTHENTICATED signs out). */
  onError?(method: string, error: ApiError): void;
  onSuccess?(method: string): void;
}

export function createCall(transport: Transport, hooks: ClientHooks): CallFn {
  return async function call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
    const result = await transport.send(method, input, hooks.session());
    if (result.ok) {
      hooks.onSuccess?.(method);
      return result.value as Output<M>;
    }
    const e = result.error;
    const err = new ApiError(String(e.code), String(e.message ?? ''), e.field, e.details);
    hooks.onError?.(method, err);
    throw err;
  };
}

/** Electron's bridge when present, otherwise HTTP with the launch token. */
export function defaultTransport(): Transport {
  if (typeof window !== 'undefined' && window.postdesk && typeof window.postdesk.call === 'function') return electronTransport(window.postdesk);
  return httpTransport(takeLaunchToken());
}
