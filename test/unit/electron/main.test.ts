import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, FakeWebContents, preventable } from './fakeElectron.js';
import { CSP } from '../../../services/transport/http.js';
import { DB_FILE } from '../../../db/open.js';
import { createMainWindow, dataDirFromArgs, mainWindowOptions, start, startupErrorText, type RunningApp } from '../../../electron/main.js';
import { AppError } from '../../../domain/errors.js';
import { APP_ENTRY_URL } from '../../../electron/security.js';
import { CALL_CHANNEL, MENU_CHANNEL, PDF_CHANNEL, PRINT_CHANNEL } from '../../../electron/ipc.js';

vi.mock('electron', async () => (await import('./fakeElectron.js')).fake.module);

let tmp: string;

beforeEach(() => {
  fake.reset();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postdesk-main-'));
  vi.stubEnv('POSTDESK_DATA', '');
});

afterEach(() => {
  fake.app.emit('will-quit');
  vi.unstubAllEnvs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const quietLog = () => {};

async function startApp(extraArgs: string[] = []): Promise<RunningApp> {
  const r = await start({ argv: ['/opt/PostDesk/postdesk', '--data', tmp, ...extraArgs], log: quietLog });
  if (!r) throw new Error('start returned null');
  return r;
}

function only<T>(list: T[]): T {
  expect(list).toHaveLength(1);
  return list[0]!;
}

describe('the counter window', () => {
  it('is created with context isolation, the sandbox, no Node integration, web security and the CommonJS preload', () => {
    createMainWindow(quietLog);
    const win = only(FakeBrowserWindow.instances);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(path.basename(String(prefs.preload))).toBe('preload.cjs');
    expect(path.isAbsolute(String(prefs.preload))).toBe(true);
    expect(mainWindowOptions('/x/preload.cjs').webPreferences?.preload).toBe('/x/preload.cjs');
  });

  it('loads the renderer from app://postdesk/ and shows itself once ready to show', () => {
    createMainWindow(quietLog);
    const win = only(FakeBrowserWindow.instances);
    expect(win.options.show).toBe(false);
    expect(win.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
    expect(APP_ENTRY_URL).toBe('app://postdesk/index.html');
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledOnce();
  });
});

describe('start-up', () => {
  it('registers app:// as a privileged, secure, standard scheme and enables the sandbox before the app is ready', async () => {
    await startApp();
    const schemes = fake.module.protocol.registerSchemesAsPrivileged.mock.calls[0]![0] as { scheme: string; privileges: Record<string, boolean> }[];
    expect(schemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    const order = fake.app.calls;
    expect(order.indexOf('registerSchemesAsPrivileged')).toBeLessThan(order.indexOf('whenReady'));
    expect(order.indexOf('enableSandbox')).toBeLessThan(order.indexOf('whenReady'));
    expect(fake.protocolHandlers.has('app')).toBe(true);
  });

  it('opens the store in the --data folder and moves the single-instance lock there with it', async () => {
    const r = await startApp();
    expect(r.dataDir).toBe(path.resolve(tmp));
    expect(fake.app.setPath).toHaveBeenCalledWith('userData', path.resolve(tmp));
    expect(fake.app.calls.indexOf('setPath:userData')).toBeLessThan(fake.app.calls.indexOf('requestSingleInstanceLock'));
    expect(fs.existsSync(path.join(tmp, DB_FILE))).toBe(true);
  });

  it('uses the userData folder when no --data is given', async () => {
    fake.app.paths.userData = tmp;
    const r = await start({ argv: ['/opt/PostDesk/postdesk'], log: quietLog });
    expect(r?.dataDir).toBe(tmp);
    expect(fake.app.setPath).not.toHaveBeenCalled();
  });

  it('reads --data DIR and --data=DIR anywhere in the arguments', () => {
    expect(dataDirFromArgs(['electron', '.', '--data', '/d1'])).toBe('/d1');
    expect(dataDirFromArgs(['postdesk', '--data=/d2'])).toBe('/d2');
    expect(dataDirFromArgs(['postdesk', '--data', '--other'])).toBeNull();
    expect(dataDirFromArgs(['postdesk'])).toBeNull();
  });

  it('quits a second instance at once, without opening the store or a window', async () => {
    fake.app.hasLock = false;
    const r = await start({ argv: ['postdesk', '--data', tmp], log: quietLog });
    expect(r).toBeNull();
    expect(fake.app.quit).toHaveBeenCalledOnce();
    expect(fake.app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(fake.ipcHandlers.size).toBe(0);
    expect(fs.existsSync(path.join(tmp, DB_FILE))).toBe(false);
  });

  it('brings the first instance’s window to the front when a second instance starts', async () => {
    const r = await startApp();
    const win = r.window as unknown as FakeBrowserWindow;
    win.minimized = true;
    fake.app.emit('second-instance', {}, ['postdesk'], tmp);
    expect(win.restore).toHaveBeenCalledOnce();
    expect(win.focus).toHaveBeenCalledOnce();
  });

  it('refuses a database newer than the app with its error code on screen, and exits', async () => {
    const db = new Database(path.join(tmp, DB_FILE));
    db.pragma('user_version = 999');
    db.close();
    const r = await start({ argv: ['postdesk', '--data', tmp], log: quietLog });
    expect(r).toBeNull();
    expect(fake.module.dialog.showErrorBox).toHaveBeenCalledWith('PostDesk', expect.stringContaining('DB_NEWER_THAN_APP'));
    expect(fake.app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('explains a start-up failure by its code, names a driver built for the wrong runtime, and keeps other details in the log', () => {
    expect(startupErrorText(new AppError('DB_CORRUPT', 'The database is damaged'))).toBe('DB_CORRUPT: The database is damaged');
    const abi = new Error("The module '/x/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140.");
    expect(startupErrorText(abi)).toMatch(/better-sqlite3.*npm start/);
    const other = startupErrorText(new Error('ENOENT: /secret/path'));
    expect(other).not.toContain('/secret/path');
    expect(other).toMatch(/log/);
  });

  it('registers the API and printing on IPC and closes the store when the app quits', async () => {
    const r = await startApp();
    expect([...fake.ipcHandlers.keys()].sort()).toEqual([CALL_CHANNEL, PDF_CHANNEL, PRINT_CHANNEL].sort());
    fake.app.emit('will-quit');
    expect(r.store.db.open).toBe(false);
    expect(fake.ipcHandlers.size).toBe(0);
  });

  it('answers an API call from the window through the real dispatcher', async () => {
    await startApp();
    const call = fake.ipcHandlers.get(CALL_CHANNEL)!;
    const info = (await call({ senderFrame: { url: 'app://postdesk/index.html' } }, 'system.info', {}, null)) as { ok: boolean; value: { setUp: boolean } };
    expect(info).toMatchObject({ ok: true, value: { setUp: false } });
  });
});

describe('the default session', () => {
  it('adds the app’s CSP to every response', async () => {
    await startApp();
    expect(fake.defaultSession.headersFor('app://postdesk/index.html')).toEqual({ 'Content-Security-Policy': [CSP] });
    const withType = fake.defaultSession.headersFor('https://example.com/', { 'content-type': ['text/html'] });
    expect(withType).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CSP] });
  });

  it('cancels every request for remote content and lets the app’s own files load', async () => {
    await startApp();
    expect(fake.defaultSession.cancels('https://example.com/script.js')).toBe(true);
    expect(fake.defaultSession.cancels('http://127.0.0.1:5180/api/system.info')).toBe(true);
    expect(fake.defaultSession.cancels('file:///etc/passwd')).toBe(true);
    expect(fake.defaultSession.cancels('app://postdesk/assets/index.js')).toBe(false);
    expect(fake.defaultSession.cancels('data:image/png;base64,AAAA')).toBe(false);
  });

  it('denies permission requests, and grants the camera to the payment-scan screen only', async () => {
    await startApp();
    const s = fake.defaultSession;
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'midi', 'openExternal', 'display-capture', 'fullscreen']) {
      expect(s.grants(p, 'app://postdesk/index.html'), p).toBe(false);
      expect(s.grants(p, 'app://postdesk/payment/scan'), p).toBe(false);
    }
    expect(s.grants('media', 'app://postdesk/index.html', { mediaTypes: ['video'] })).toBe(false);
    expect(s.grants('media', 'app://postdesk/payment/scan', { mediaTypes: ['video'] })).toBe(true);
    expect(s.grants('media', 'app://postdesk/payment/scan', { mediaTypes: ['audio'] })).toBe(false);
    expect(s.grants('media', 'https://evil.example/payment/scan', { mediaTypes: ['video'] })).toBe(false);
    expect(s.permissionCheckHandler?.(null, 'media', 'app://postdesk', { requestingUrl: 'app://postdesk/index.html' })).toBe(false);
    expect(s.permissionCheckHandler?.(null, 'media', 'app://postdesk', { requestingUrl: 'app://postdesk/payment/scan', mediaType: 'video' })).toBe(true);
    expect(s.permissionCheckHandler?.(null, 'geolocation', 'app://postdesk', { requestingUrl: 'app://postdesk/payment/scan' })).toBe(false);
    expect(s.devicePermissionHandler?.()).toBe(false);
  });
});

describe('every web page the app creates', () => {
  async function createdContents(): Promise<FakeWebContents> {
    await startApp();
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    return contents;
  }

  it('cannot navigate or be redirected to a foreign URL', async () => {
    const contents = await createdContents();
    for (const event of ['will-navigate', 'will-redirect']) {
      for (const url of ['https://example.com/', 'file:///etc/passwd', 'http://127.0.0.1:5180/', 'app://evil/index.html', 'javascript:alert(1)']) {
        const e = preventable();
        contents.emit(event, e, url);
        expect(e.defaultPrevented, `${event} ${url}`).toBe(true);
      }
      const own = preventable();
      contents.emit(event, own, 'app://postdesk/index.html');
      expect(own.defaultPrevented).toBe(false);
    }
    const frame = preventable({ url: 'https://example.com/' });
    contents.emit('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
  });

  it('has window.open denied, whatever the URL', async () => {
    const contents = await createdContents();
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://postdesk/index.html' })).toEqual({ action: 'deny' });
  });

  it('cannot attach a <webview>', async () => {
    const contents = await createdContents();
    const e = preventable();
    contents.emit('will-attach-webview', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });
});

describe('the menu', () => {
  type Item = { id?: string; role?: string; label?: string; submenu?: Item[]; click?: () => void };
  async function template(): Promise<Item[]> {
    await startApp();
    const built = fake.module.Menu.buildFromTemplate.mock.calls[0]![0] as Item[];
    expect(fake.module.Menu.setApplicationMenu).toHaveBeenCalledOnce();
    return built;
  }
  const roles = (items: Item[]): string[] => items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])]);

  it('has Print receipt and Quit under File and About under Help', async () => {
    const [file, , help] = await template();
    expect(file!.submenu!.map((i) => i.id).filter(Boolean)).toEqual(['print-receipt', 'quit']);
    expect(help!.submenu!.map((i) => i.id)).toEqual(['about']);
  });

  it('offers Reload and the developer tools in development only', async () => {
    expect(roles(await template())).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    fake.app.emit('will-quit');
    fake.reset();
    fake.app.isPackaged = true;
    const packaged = await template();
    expect(roles(packaged)).not.toContain('reload');
    expect(roles(packaged)).not.toContain('forceReload');
    expect(roles(packaged)).not.toContain('toggleDevTools');
  });

  it('asks the renderer to print the receipt from File → Print receipt, and shows About', async () => {
    const r = await startApp();
    const [file, , help] = fake.module.Menu.buildFromTemplate.mock.calls[0]![0] as Item[];
    file!.submenu!.find((i) => i.id === 'print-receipt')!.click!();
    expect((r.window as unknown as FakeBrowserWindow).webContents.sent).toEqual([[MENU_CHANNEL, 'print-receipt']]);
    help!.submenu!.find((i) => i.id === 'about')!.click!();
    expect(fake.module.dialog.showMessageBox).toHaveBeenCalledOnce();
  });
});
