import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../../services/transport/http.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveAppFile } from '../../../electron/protocol.js';

let root: string;
let outside: string;

beforeAll(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'postdesk-protocol-'));
  root = path.join(base, 'dist-renderer');
  outside = path.join(base, 'secret.txt');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>PostDesk</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(outside, 'secret');
});

afterAll(() => {
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
});

describe('resolveAppFile', () => {
  it('maps app://postdesk/ paths into the renderer folder, screens without an extension to index.html', () => {
    expect(resolveAppFile(root, 'app://postdesk/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://postdesk/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://postdesk/payment/scan')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://postdesk/assets/index-abc.js?v=1#x')).toBe(path.join(root, 'assets', 'index-abc.js'));
  });

  it('refuses other hosts, other schemes and every way out of the folder', () => {
    expect(resolveAppFile(root, 'app://evil/index.html')).toBeNull();
    expect(resolveAppFile(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppFile(root, 'app://postdesk/..%2fsecret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://postdesk/assets/%2e%2e%2f%2e%2e%2fsecret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://postdesk/%E0%A4%A.js')).toBeNull();
    expect(resolveAppFile(root, 'app://postdesk/a%00.js')).toBeNull();
    expect(resolveAppFile(root, 'not a url')).toBeNull();
    // The URL parser folds ../ and %2e%2e/ away before the path is decoded, so these stay inside.
    expect(resolveAppFile(root, 'app://postdesk/../../secret.txt')).toBe(path.join(root, 'secret.txt'));
    expect(resolveAppFile(root, 'app://postdesk/%2e%2e/secret.txt')).toBe(path.join(root, 'secret.txt'));
  });
});

describe('the app:// handler', () => {
  const handler = () => createAppProtocolHandler(root);

  it('serves the renderer’s files with the CSP and the right type', async () => {
    const res = await handler()(new Request('app://postdesk/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>PostDesk</title>');
    const js = await handler()(new Request('app://postdesk/assets/index-abc.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(CSP);
  });

  it('answers a screen path with index.html, so a reload on any screen works', async () => {
    const res = await handler()(new Request('app://postdesk/till/close'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>PostDesk</title>');
  });

  it('answers 404 for missing files and for anything outside the folder, 405 for other methods', async () => {
    expect((await handler()(new Request('app://postdesk/assets/missing.js'))).status).toBe(404);
    const escape = await handler()(new Request('app://postdesk/..%2f..%2fsecret.txt'));
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('secret');
    expect((await handler()(new Request('app://postdesk/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('is registered as a standard, secure scheme with the fetch API', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP');
  });
});
