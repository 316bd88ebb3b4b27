/**
 * The desktop shell: lifecycle, the single-instance lock, the one counter
 * window with its security settings, the app:// protocol, IPC, printing and
 * the menu. The store is opened here and handed to the same dispatcher the
 * browser mode uses.
 *
 * Nothing starts on import unless running inside Electron, so unit tests can
 * import this module with 'electron' replaced and call start() themselves.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type BrowserWindowConstructorOptions } from 'electron';
import { AppError } from '../domain/errors.js';
import { createDispatcher, type Logger } from '../services/api.js';
import { openCounterStore, type OpenedStore } from '../services/store.js';
import { ensureSyncAgent } from '../services/syncRuntime.js';
import { MENU_CHANNEL, registerIpc } from './ipc.js';
import type { MenuCommand } from './bridge.js';
import { menuLanguageFor, menuTemplate } from './menu.js';
import { createReceiptPrinter } from './print.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol.js';
import { APP_ENTRY_URL, APP_SCHEME, hardenWebContents, isTrustedSender, permissionAllowed, secureSession } from './security.js';

export { permissionAllowed };

const here = path.dirname(fileURLToPath(import.meta.url));

/** Compiled, this file is dist/electron/main.js: the app's root (project folder or app.asar) is two levels up. */
export const APP_ROOT = path.resolve(here, '..', '..');
export const RENDERER_DIR = path.join(APP_ROOT, 'dist-renderer');
/** The preload is CommonJS: a sandboxed preload cannot be an ES module. */
export const PRELOAD_PATH = path.join(here, 'preload.cjs');

const consoleLogger: Logger = (level, msg, extra) => {
  const line = `[postdesk] ${msg}`;
  if (level === 'error') console.error(line, extra ?? '');
  else if (level === 'warn') console.warn(line, extra ?? '');
  else console.log(line, extra ?? '');
};

/** `--data DIR` or `--data=DIR` anywhere in argv (Electron puts its own arguments first). */
export function dataDirFromArgs(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--data=')) return a.slice('--data='.length) || null;
    if (a === '--data') {
      const next = argv[i + 1];
      return next && !next.startsWith('--') ? next : null;
    }
  }
  return null;
}

export function mainWindowOptions(preload: string = PRELOAD_PATH): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'PostDesk',
    backgroundColor: '#ffffff',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      preload,
    },
  };
}

/** The counter window, shown once its first paint is ready, loading the renderer from app://postdesk/. */
export function createMainWindow(log: Logger = consoleLogger): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions());
  win.once('ready-to-show', () => win.show());
  win.loadURL(APP_ENTRY_URL).catch((e: unknown) => log('error', 'the window could not load the app', { error: String(e) }));
  return win;
}

function focus(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** What the start-up error box says: the code and words of an AppError, a pointer to the log for anything else. */
export function startupErrorText(e: unknown): string {
  if (e instanceof AppError) return `${e.code}: ${e.message}`;
  if (e instanceof Error && /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(e.message)) {
    return 'The database driver (better-sqlite3) is built for Node.js, not for this Electron. Start PostDesk with "npm start", which builds it for Electron.';
  }
  return 'PostDesk could not start. The details are in the log.';
}

function showStartupError(e: unknown, log: Logger): void {
  if (!(e instanceof AppError)) log('error', 'start-up failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  dialog.showErrorBox('PostDesk', startupErrorText(e));
}

export interface StartOptions {
  argv?: readonly string[];
  log?: Logger;
}

export interface RunningApp {
  window: BrowserWindow;
  store: OpenedStore;
  dataDir: string;
}

/**
 * Starts the app. Returns null when this is a second instance (it quits and
 * the first one's window comes to the front) or the store cannot be opened.
 */
export async function start(opts: StartOptions = {}): Promise<RunningApp | null> {
  const log = opts.log ?? consoleLogger;
  const warn = (msg: string) => log('warn', msg);
  // Everything up to whenReady() must run before the ready event: no await before it.
  const explicit = dataDirFromArgs(opts.argv ?? process.argv) ?? process.env.POSTDESK_DATA ?? null;
  // One data folder, one process: the lock lives in userData, so --data moves both.
  if (explicit) app.setPath('userData', path.resolve(explicit));
  const dataDir = app.getPath('userData');
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  let mainWindow: BrowserWindow | null = null;
  app.on('second-instance', () => focus(mainWindow));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, warn));
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();

  let store: OpenedStore;
  try {
    store = openCounterStore(dataDir);
  } catch (e) {
    showStartupError(e, log);
    app.exit(1);
    return null;
  }
  const dispatcher = createDispatcher(store, { log });
  // Sync runs in the main process beside the store; not yet enrolled, it waits for sync.enroll.
  const syncAgent = ensureSyncAgent(store);

  secureSession(session.defaultSession, warn);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));
  const unregisterIpc = registerIpc(ipcMain, dispatcher, { isTrustedSender, printer: createReceiptPrinter(), log });

  const sendMenuCommand = (command: MenuCommand) => mainWindow?.webContents.send(MENU_CHANNEL, command);
  const about = () => {
    const detail = [`Electron ${process.versions.electron ?? '?'} · Node ${process.versions.node}`, `Schema ${store.opened.migratedTo}`, `Data: ${dataDir}`].join('\n');
    const options = { type: 'info' as const, title: 'PostDesk', message: `PostDesk ${app.getVersion()}`, detail, buttons: ['OK'] };
    void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate({ dev: !app.isPackaged, language: menuLanguageFor(app.getLocale()), actions: { printReceipt: () => sendMenuCommand('print-receipt'), about } })),
  );

  app.on('will-quit', () => {
    unregisterIpc();
    void syncAgent?.stop();
    store.close();
  });

  const win = createMainWindow(log);
  mainWindow = win;
  win.on('closed', () => {
    mainWindow = null;
  });
  if (store.opened.recoveredFromUncleanExit) log('warn', 'the previous run did not close cleanly; the integrity check passed');
  return { window: win, store, dataDir };
}

if (process.versions.electron) {
  start().catch((e: unknown) => {
    showStartupError(e, consoleLogger);
    app.exit(1);
  });
}
