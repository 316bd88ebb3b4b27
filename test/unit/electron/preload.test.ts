import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { fake } from './fakeElectron.js';
import type { PostdeskBridge } from '../../../electron/bridge.js';

const PRELOAD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../electron/preload.cts');

let bridge: PostdeskBridge;
const required: string[] = [];

/**
 * Runs the preload the way a sandboxed renderer does: compiled to CommonJS,
 * with a require() that knows only 'electron' (here the fake).
 */
function runPreload(): void {
  const source = fs.readFileSync(PRELOAD, 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: PRELOAD, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const module = { exports: {} as Record<string, unknown> };
  const sandboxRequire = (id: string) => {
    required.push(id);
    if (id !== 'electron') throw new Error(`module not found: ${id} (a sandboxed preload may require only 'electron')`);
    return fake.module;
  };
  vm.runInNewContext(outputText, { require: sandboxRequire, module, exports: module.exports }, { filename: PRELOAD });
}

beforeAll(() => {
  runPreload();
  const [name, exposed] = fake.module.contextBridge.exposeInMainWorld.mock.calls[0]!;
  expect(name).toBe('postdesk');
  bridge = exposed as PostdeskBridge;
});

describe('the preload', () => {
  it('requires nothing but electron, as a sandboxed preload must', () => {
    expect(required).toEqual(['electron']);
  });

  it('exposes window.postdesk with call, print, printToPdf and onMenuCommand, and nothing else', () => {
    expect(fake.module.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onMenuCommand', 'print', 'printToPdf']);
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('sends an API call over postdesk:call with a null session when there is none', async () => {
    await bridge.call('system.info', {}, null);
    expect(fake.module.ipcRenderer.invoke).toHaveBeenLastCalledWith('postdesk:call', 'system.info', {}, null);
    await bridge.call('auth.me', {}, undefined as unknown as null);
    expect(fake.module.ipcRenderer.invoke).toHaveBeenLastCalledWith('postdesk:call', 'auth.me', {}, null);
    await bridge.call('receipts.get', { number: '11000-01-20250101-1' }, 'token');
    expect(fake.module.ipcRenderer.invoke).toHaveBeenLastCalledWith('postdesk:call', 'receipts.get', { number: '11000-01-20250101-1' }, 'token');
  });

  it('sends printing over its own channels', async () => {
    await bridge.print('<p>r</p>');
    expect(fake.module.ipcRenderer.invoke).toHaveBeenLastCalledWith('postdesk:print', '<p>r</p>');
    await bridge.printToPdf('<p>r</p>');
    expect(fake.module.ipcRenderer.invoke).toHaveBeenLastCalledWith('postdesk:printToPdf', '<p>r</p>');
  });

  it('relays known menu commands without the IPC event, and stops when asked', () => {
    const seen: unknown[][] = [];
    const stop = bridge.onMenuCommand((...args: unknown[]) => seen.push(args));
    const event = { sender: 'ipcRenderer itself' };
    fake.ipcRendererListeners.emit('postdesk:menu', event, 'print-receipt');
    fake.ipcRendererListeners.emit('postdesk:menu', event, 'format-disk');
    fake.ipcRendererListeners.emit('postdesk:menu', event, { command: 'print-receipt' });
    expect(seen).toEqual([['print-receipt']]);
    stop();
    fake.ipcRendererListeners.emit('postdesk:menu', event, 'print-receipt');
    expect(seen).toHaveLength(1);
  });
});
