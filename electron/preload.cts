/**
 * The preload: exposes window.postdesk (PostdeskBridge) to the renderer and
 * nothing else. CommonJS because a sandboxed preload cannot be an ES module;
 * it may require only 'electron', so bridge.ts is imported for its types only
 * and the channel names are spelled out here, checked against IpcChannel.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcChannel, MenuCommand, PostdeskBridge } from './bridge.js';

const CALL = 'postdesk:call' satisfies IpcChannel;
const PRINT = 'postdesk:print' satisfies IpcChannel;
const PDF = 'postdesk:printToPdf' satisfies IpcChannel;
const MENU = 'postdesk:menu' satisfies IpcChannel;

const MENU_COMMANDS: readonly string[] = ['print-receipt'] satisfies MenuCommand[];

const bridge: PostdeskBridge = {
  call: (method, input, session) => ipcRenderer.invoke(CALL, method, input, session ?? null),
  print: (html) => ipcRenderer.invoke(PRINT, html),
  printToPdf: (html) => ipcRenderer.invoke(PDF, html),
  onMenuCommand(listener) {
    // The IPC event never reaches the page: it carries the sender and ipcRenderer itself.
    const relay = (_event: unknown, command: unknown) => {
      if (typeof command === 'string' && MENU_COMMANDS.includes(command)) listener(command as MenuCommand);
    };
    ipcRenderer.on(MENU, relay);
    return () => {
      ipcRenderer.removeListener(MENU, relay);
    };
  },
};

contextBridge.exposeInMainWorld('postdesk', bridge);
