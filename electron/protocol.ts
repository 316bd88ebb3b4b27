/**
 * The app:// protocol that serves the built renderer (dist-renderer/).
 *
 * Why a privileged custom scheme rather than file://: every file:// page
 * shares one opaque origin with every other local file, so neither the CSP's
 * 'self', nor the IPC sender check, nor the navigation guard could tell the
 * app from any HTML file on the disk. app://postdesk is a real, secure origin
 * of its own; the Vite build's absolute asset paths (/assets/…) and module
 * scripts work unchanged; unknown paths fall back to index.html; and nothing
 * outside dist-renderer/ can be read through it.
 *
 * The CSP is set on these responses here: Chromium does not run the
 * header-related webRequest hooks for custom schemes, so the session's
 * onHeadersReceived (security.ts) covers every other response.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_SCHEME, CSP, isAppUrl } from './security.js';

/** Passed to protocol.registerSchemesAsPrivileged before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true, stream: true },
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps an app:// URL to a file under rootDir: null for another host, for a
 * path that escapes rootDir, or for a malformed one. Paths without an
 * extension are screens of the single-page app and get index.html.
 */
export function resolveAppFile(rootDir: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!isAppUrl(url)) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '/' || path.posix.extname(rel) === '') rel = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + rel);
  return file.startsWith(root + path.sep) ? file : null;
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': CSP } });
}

/** The handler given to protocol.handle('app', …): GET and HEAD of files under rootDir, each with the CSP. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: { 'content-security-policy': CSP } });
    const file = resolveAppFile(rootDir, request.url);
    if (!file) return notFound();
    let body: Buffer;
    try {
      body = await fs.readFile(file);
    } catch {
      return notFound();
    }
    const isEntry = path.basename(file) === 'index.html';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': isEntry ? 'no-store' : 'max-age=3600',
      },
    });
  };
}
