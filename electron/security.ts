/**
 * The desktop shell's security rules, kept free of any 'electron' import so
 * each rule is a plain function a unit test can call: which URLs are the
 * app's own, which requests may load, which permission a page may have, and
 * how a session and every webContents are locked down.
 */
import { CSP } from '../services/transport/http.js';

/** The renderer is served from app://postdesk/ (see protocol.ts for why not file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'postdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The payment-scan screen, the one place the camera may be used. The
 * renderer shows it at this path (history.pushState) or at this hash route.
 */
export const SCAN_SCREEN_ROUTE = '/payment/scan';

export { CSP };

function parse(url: string | null | undefined): URL | null {
  if (typeof url !== 'string' || url === '') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for URLs of the app's own origin. URL.origin is "null" for custom schemes, so protocol and host are compared. */
export function isAppUrl(url: string | null | undefined): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST && u.username === '' && u.password === '';
}

export function isScanScreenUrl(url: string | null | undefined): boolean {
  const u = parse(url);
  if (!u || !isAppUrl(url)) return false;
  const onRoute = (p: string) => p === SCAN_SCREEN_ROUTE || p.startsWith(`${SCAN_SCREEN_ROUTE}/`) || p.startsWith(`${SCAN_SCREEN_ROUTE}?`);
  return onRoute(u.pathname) || (u.hash.startsWith('#') && onRoute(u.hash.slice(1)));
}

/** What Electron tells about a media request: `mediaTypes` on requests, `mediaType` on checks. */
export interface MediaDetails {
  mediaTypes?: readonly string[] | undefined;
  mediaType?: string | undefined;
}

/**
 * Every permission is refused except 'media' for the camera, and only for
 * the payment-scan screen of the app's own origin: the IPS QR code on a bill
 * may be read with the camera. The microphone is never granted.
 */
export function permissionAllowed(permission: string, requestingUrl: string | null | undefined, media: MediaDetails = {}): boolean {
  if (permission !== 'media') return false;
  if (!isScanScreenUrl(requestingUrl)) return false;
  if (media.mediaTypes?.some((t) => t !== 'video')) return false;
  if (media.mediaType !== undefined && media.mediaType !== 'video') return false;
  return true;
}

/**
 * No remote content: only the app's own files and in-memory data may load.
 * devtools: is allowed so the developer tools work in development.
 */
export function requestAllowed(url: string): boolean {
  if (isAppUrl(url)) return true;
  const u = parse(url);
  return u !== null && (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:');
}

export type ResponseHeaders = Record<string, string[] | string>;

/**
 * Adds the app's CSP to a response's headers. An existing policy is kept
 * beside it: several policies all apply, so adding ours never loosens one.
 */
export function withCsp(headers: ResponseHeaders | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k] = Array.isArray(v) ? [...v] : [v];
  const key = Object.keys(out).find((k) => k.toLowerCase() === 'content-security-policy') ?? 'Content-Security-Policy';
  out[key] = [...(out[key] ?? []), CSP];
  return out;
}

// ---- the parts of Electron's objects these rules touch -------------------

export interface HeadersReceivedDetails {
  url: string;
  responseHeaders?: ResponseHeaders;
}
export interface BeforeRequestDetails {
  url: string;
}
export interface PermissionRequestDetails extends MediaDetails {
  requestingUrl?: string;
}
interface UrlSource {
  getURL(): string;
}

/** The part of Electron's Session that secureSession sets up. */
export interface SessionLike {
  webRequest: {
    onHeadersReceived(listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void) => void): void;
    onBeforeRequest(listener: (details: BeforeRequestDetails, callback: (response: { cancel?: boolean }) => void) => void): void;
  };
  setPermissionRequestHandler(handler: (webContents: UrlSource, permission: string, callback: (granted: boolean) => void, details: PermissionRequestDetails) => void): void;
  setPermissionCheckHandler(handler: (webContents: UrlSource | null, permission: string, requestingOrigin: string, details: PermissionRequestDetails) => boolean): void;
  setDevicePermissionHandler?(handler: () => boolean): void;
}

/**
 * Locks down a session: the CSP on every response, every request that is
 * not the app's own (or data:/blob:) cancelled, permissions decided by
 * permissionAllowed, device access (HID, USB, serial) refused.
 */
export function secureSession(ses: SessionLike, log: (msg: string) => void = () => {}): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = requestAllowed(details.url);
    if (!allowed) log(`blocked a request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
  ses.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const granted = permissionAllowed(permission, details?.requestingUrl ?? webContents.getURL(), details ?? {});
    if (!granted) log(`refused the permission "${permission}"`);
    callback(granted);
  });
  ses.setPermissionCheckHandler((webContents, permission, _origin, details) =>
    permissionAllowed(permission, details?.requestingUrl ?? webContents?.getURL(), details ?? {}),
  );
  ses.setDevicePermissionHandler?.(() => false);
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The part of Electron's WebContents that hardenWebContents sets up. */
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: PreventableEvent & { url?: string }, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/**
 * Applied to every webContents the app creates: navigation and redirects
 * only within the app's own origin, window.open always denied, <webview>
 * never attached.
 */
export function hardenWebContents(contents: WebContentsLike, log: (msg: string) => void = () => {}): void {
  const guard = (kind: string) => (event: PreventableEvent & { url?: string }, url?: string) => {
    const target = url ?? event.url ?? '';
    if (!isAppUrl(target)) {
      event.preventDefault();
      log(`denied ${kind} to ${target.slice(0, 200)}`);
    }
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`denied window.open of ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}

/** The sender of an IPC message as Electron describes it; senderFrame is null once the frame is gone. */
export interface IpcSenderEvent {
  senderFrame?: { url: string } | null;
}

/** An IPC message is trusted only from a frame showing the app's own origin. */
export function isTrustedSender(event: IpcSenderEvent): boolean {
  return isAppUrl(event.senderFrame?.url);
}
