import { describe, expect, it } from 'vitest';
import { CSP } from '../../../services/transport/http.js';
import {
  CSP as ELECTRON_CSP,
  hardenWebContents,
  isAppUrl,
  isScanScreenUrl,
  isTrustedSender,
  permissionAllowed,
  requestAllowed,
  withCsp,
} from '../../../electron/security.js';
import { FakeWebContents, preventable } from './fakeElectron.js';

describe('the app’s own origin', () => {
  it('is app://postdesk and nothing that merely looks like it', () => {
    for (const url of ['app://postdesk/index.html', 'app://postdesk/', 'app://postdesk/payment/scan?x=1#y', 'APP://POSTDESK/index.html']) expect(isAppUrl(url), url).toBe(true);
    for (const url of ['app://postdesk.evil/index.html', 'app://evil/index.html', 'app://user:pw@postdesk/', 'app://postdesk:8080/', 'https://postdesk/', 'file:///app/postdesk/index.html', 'about:blank', '', 'not a url', null, undefined]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });

  it('is the only IPC sender trusted', () => {
    expect(isTrustedSender({ senderFrame: { url: 'app://postdesk/index.html' } })).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: 'https://evil.example/' } })).toBe(false);
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
    expect(isTrustedSender({})).toBe(false);
  });
});

describe('permissionAllowed', () => {
  const SCAN = 'app://postdesk/payment/scan';

  it('denies every permission other than media, on every screen', () => {
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'midi', 'midiSysex', 'openExternal', 'display-capture', 'fullscreen', 'pointerLock', 'hid', 'serial', 'usb', 'unknown']) {
      expect(permissionAllowed(p, SCAN), p).toBe(false);
      expect(permissionAllowed(p, 'app://postdesk/index.html'), p).toBe(false);
    }
  });

  it('allows the camera on the payment-scan screen only, by path or by hash route', () => {
    expect(permissionAllowed('media', SCAN)).toBe(true);
    expect(permissionAllowed('media', `${SCAN}/bill-2`)).toBe(true);
    expect(permissionAllowed('media', 'app://postdesk/index.html#/payment/scan')).toBe(true);
    expect(permissionAllowed('media', 'app://postdesk/index.html')).toBe(false);
    expect(permissionAllowed('media', 'app://postdesk/payment/scanner')).toBe(false);
    expect(permissionAllowed('media', 'app://postdesk/payment')).toBe(false);
    expect(permissionAllowed('media', 'app://postdesk/index.html#/payment')).toBe(false);
    expect(permissionAllowed('media', 'https://evil.example/payment/scan')).toBe(false);
    expect(permissionAllowed('media', 'app://evil/payment/scan')).toBe(false);
    expect(permissionAllowed('media', undefined)).toBe(false);
    expect(permissionAllowed('media', '')).toBe(false);
  });

  it('never allows the microphone, not even on the scan screen', () => {
    expect(permissionAllowed('media', SCAN, { mediaTypes: ['video'] })).toBe(true);
    expect(permissionAllowed('media', SCAN, { mediaTypes: ['audio'] })).toBe(false);
    expect(permissionAllowed('media', SCAN, { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(permissionAllowed('media', SCAN, { mediaType: 'video' })).toBe(true);
    expect(permissionAllowed('media', SCAN, { mediaType: 'audio' })).toBe(false);
    expect(permissionAllowed('media', SCAN, { mediaType: 'unknown' })).toBe(false);
  });

  it('knows the scan screen by its route', () => {
    expect(isScanScreenUrl(SCAN)).toBe(true);
    expect(isScanScreenUrl('app://postdesk/other')).toBe(false);
  });
});

describe('requests and responses', () => {
  it('let only the app’s own files and in-memory data load', () => {
    for (const url of ['app://postdesk/assets/index-abc.js', 'data:image/png;base64,AA', 'blob:app://postdesk/1234', 'devtools://devtools/bundled/inspector.html']) expect(requestAllowed(url), url).toBe(true);
    for (const url of ['https://cdn.example/react.js', 'http://127.0.0.1:5180/', 'ws://127.0.0.1:5173/', 'file:///etc/passwd', 'app://evil/x.js', 'ftp://x/', 'garbage']) expect(requestAllowed(url), url).toBe(false);
  });

  it('carry the same CSP as browser mode, added beside any policy already there', () => {
    expect(ELECTRON_CSP).toBe(CSP);
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CSP] });
    expect(withCsp({ 'content-type': 'text/html' })).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CSP] });
    expect(withCsp({ 'content-security-policy': ["default-src 'none'"] })).toEqual({ 'content-security-policy': ["default-src 'none'", CSP] });
  });

  it('use a CSP that refuses inline scripts, remote origins, plugins and framing', () => {
    const directives = new Map(CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(CSP).not.toMatch(/https?:|\*|'unsafe-eval'/);
  });
});

describe('hardenWebContents', () => {
  it('prevents foreign navigation and redirects, and denies window.open', () => {
    const contents = new FakeWebContents();
    const denied: string[] = [];
    hardenWebContents(contents, (m) => denied.push(m));
    const foreign = preventable();
    contents.emit('will-navigate', foreign, 'https://example.com/');
    const redirect = preventable();
    contents.emit('will-redirect', redirect, 'https://example.com/');
    const own = preventable();
    contents.emit('will-navigate', own, 'app://postdesk/index.html');
    expect(foreign.defaultPrevented).toBe(true);
    expect(redirect.defaultPrevented).toBe(true);
    expect(own.defaultPrevented).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(denied).toHaveLength(3);
  });
});
