/** Builds the renderer with Vite into dist-renderer/ when it is missing or older than its sources. */
export function ensureRendererBuilt(opts?: { force?: boolean }): Promise<void>;
