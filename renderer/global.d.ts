/** What Electron's preload exposes on window (contextBridge). Absent in browser mode. */
export interface PostdeskBridgeError {
  code: string;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
}

export type PostdeskBridgeResult = { ok: true; value: unknown } | { ok: false; error: PostdeskBridgeError };

export interface PostdeskBridge {
  call(method: string, input: unknown, session: string | null): Promise<PostdeskBridgeResult>;
  /** Electron prints a self-contained HTML page through the system dialog (optional: older shells lack it). */
  print?(html: string): Promise<PostdeskBridgeResult>;
  /** Menu commands from the main process (File → Print receipt); returns the unsubscribe function. */
  onMenuCommand?(listener: (command: string) => void): () => void;
}

declare global {
  interface Window {
    postdesk?: PostdeskBridge;
  }
}
