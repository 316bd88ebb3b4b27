/**
 * What Electron's preload exposes on window (contextBridge); absent in browser mode.
 * The type is the preload's own (electron/bridge.ts), imported for types only.
 */
import type { PostdeskBridge } from '../electron/bridge.js';

export type { PostdeskBridge };

declare global {
  interface Window {
    postdesk?: PostdeskBridge;
  }
}
