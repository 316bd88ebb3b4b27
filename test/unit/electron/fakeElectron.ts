/**
 * A stand-in for the 'electron' module, for vi.mock('electron', …). It
 * records what the code under test asked for (window options, handlers,
 * listeners) so a test can inspect it and drive the events by hand.
 *
 *   vi.mock('electron', async () => (await import('./fakeElectron.js')).fake.module);
 *
 * One instance per test file (each file has its own module registry);
 * fake.reset() between tests.
 */
import { vi } from 'vitest';

/** Listeners take whatever their event carries; `never[]` lets a typed listener be registered. */
type Listener = (...args: never[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    const ls = this.listeners.get(event) ?? [];
    for (const l of ls) (l as (...a: unknown[]) => unknown)(...args);
    return ls.length > 0;
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
  url?: string;
}

export function preventable(extra: Record<string, unknown> = {}): PreventableEvent {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
    ...extra,
  };
  return e;
}

export type WindowOpenHandler = (details: { url: string }) => { action: string };

export class FakeWebContents extends FakeEmitter {
  url = '';
  windowOpenHandler: WindowOpenHandler | null = null;
  readonly sent: unknown[][] = [];
  /** What the next webContents.print reports to its callback (the fake's print dialog). */
  static printResult: { success: boolean; failureReason: string } = { success: true, failureReason: '' };
  readonly print = vi.fn((_options: Record<string, unknown>, callback: (success: boolean, failureReason: string) => void) => {
    callback(FakeWebContents.printResult.success, FakeWebContents.printResult.failureReason);
  });
  readonly printToPDF = vi.fn(async (_options: Record<string, unknown>) => Buffer.from('%PDF-1.7 fake'));
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  readonly loadURL = vi.fn(async (url: string) => {
    this.webContents.url = url;
  });
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

type HeadersListener = (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void) => void;
type RequestListener = (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void;
type PermissionRequestHandler = (webContents: { getURL(): string }, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;
type PermissionCheckHandler = (webContents: { getURL(): string } | null, permission: string, origin: string, details: Record<string, unknown>) => boolean;

export class FakeSession {
  headersListener: HeadersListener | null = null;
  requestListener: RequestListener | null = null;
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  devicePermissionHandler: (() => boolean) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
    onBeforeRequest: (listener: RequestListener) => {
      this.requestListener = listener;
    },
  };
  clear(): void {
    this.headersListener = null;
    this.requestListener = null;
    this.permissionRequestHandler = null;
    this.permissionCheckHandler = null;
    this.devicePermissionHandler = null;
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: () => boolean): void {
    this.devicePermissionHandler = handler;
  }
  /** What the session's onHeadersReceived makes of a response with these headers. */
  headersFor(url: string, responseHeaders: Record<string, string[]> = {}): Record<string, string[]> | undefined {
    let out: Record<string, string[]> | undefined;
    this.headersListener?.({ url, responseHeaders }, (r) => {
      out = r.responseHeaders;
    });
    return out;
  }
  /** Whether the session's onBeforeRequest cancels a request for url. */
  cancels(url: string): boolean | undefined {
    let cancel: boolean | undefined;
    this.requestListener?.({ url }, (r) => {
      cancel = r.cancel;
    });
    return cancel;
  }
  /** What the permission request handler answers for a page at pageUrl. */
  grants(permission: string, pageUrl: string, details: Record<string, unknown> = {}): boolean | undefined {
    let granted: boolean | undefined;
    this.permissionRequestHandler?.({ getURL: () => pageUrl }, permission, (g) => (granted = g), { requestingUrl: pageUrl, ...details });
    return granted;
  }
}

class FakeApp extends FakeEmitter {
  hasLock = true;
  isPackaged = false;
  locale = 'sr-RS';
  paths: Record<string, string> = { userData: '/nonexistent/PostDesk' };
  readonly calls: string[] = [];
  readonly requestSingleInstanceLock = vi.fn(() => {
    this.calls.push('requestSingleInstanceLock');
    return this.hasLock;
  });
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly enableSandbox = vi.fn(() => {
    this.calls.push('enableSandbox');
  });
  readonly whenReady = vi.fn(async () => {
    this.calls.push('whenReady');
  });
  readonly setPath = vi.fn((name: string, value: string) => {
    this.calls.push(`setPath:${name}`);
    this.paths[name] = value;
  });
  getPath(name: string): string {
    const p = this.paths[name];
    if (p === undefined) throw new Error(`no path ${name}`);
    return p;
  }
  getVersion(): string {
    return '0.1.0';
  }
  getLocale(): string {
    return this.locale;
  }
}

function createFake() {
  const app = new FakeApp();
  const defaultSession = new FakeSession();
  const partitions = new Map<string, FakeSession>();
  const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>();
  const ipcRendererListeners = new FakeEmitter();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();

  const protocol = {
    registerSchemesAsPrivileged: vi.fn((_schemes: unknown[]) => {
      app.calls.push('registerSchemesAsPrivileged');
    }),
    handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
      protocolHandlers.set(scheme, handler);
    }),
  };
  const session = {
    defaultSession,
    fromPartition: vi.fn((name: string) => {
      let s = partitions.get(name);
      if (!s) partitions.set(name, (s = new FakeSession()));
      return s;
    }),
  };
  const ipcMain = {
    handle: vi.fn((channel: string, listener: Listener) => {
      if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcHandlers.set(channel, listener as (...args: unknown[]) => unknown);
    }),
    removeHandler: vi.fn((channel: string) => {
      ipcHandlers.delete(channel);
    }),
  };
  const Menu = {
    buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
    setApplicationMenu: vi.fn(),
  };
  const dialog = {
    showErrorBox: vi.fn(),
    showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
  };
  const contextBridge = { exposeInMainWorld: vi.fn() };
  const ipcRenderer = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })),
    on: vi.fn((channel: string, listener: Listener) => ipcRendererListeners.on(channel, listener)),
    removeListener: vi.fn((channel: string, listener: Listener) => ipcRendererListeners.removeListener(channel, listener)),
  };

  const module = { app, BrowserWindow: FakeBrowserWindow, protocol, session, ipcMain, Menu, dialog, contextBridge, ipcRenderer };

  return {
    module,
    app,
    defaultSession,
    partitions,
    ipcHandlers,
    ipcRendererListeners,
    protocolHandlers,
    reset() {
      vi.clearAllMocks();
      app.listeners.clear();
      app.calls.length = 0;
      app.hasLock = true;
      app.isPackaged = false;
      app.locale = 'sr-RS';
      app.paths = { userData: '/nonexistent/PostDesk' };
      defaultSession.clear();
      partitions.clear();
      ipcHandlers.clear();
      ipcRendererListeners.listeners.clear();
      protocolHandlers.clear();
      FakeBrowserWindow.instances = [];
      FakeWebContents.printResult = { success: true, failureReason: '' };
    },
  };
}

export const fake = createFake();
