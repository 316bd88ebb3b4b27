/** Browser mode: the counter's store, dispatcher and loopback HTTP transport in one process. */
import { openCounterStore, type OpenedStore } from './store.js';
import { createDispatcher, type Logger } from './api.js';
import { randomToken, startHttpTransport, type RunningHttp } from './transport/http.js';
import { ensureSyncAgent, stopSyncAgent } from './syncRuntime.js';

export interface BrowserMode {
  store: OpenedStore;
  http: RunningHttp;
  token: string;
  stop(): Promise<void>;
}

export async function startBrowserMode(opts: { dataDir: string; port?: number; token?: string; staticDir?: string | null; log?: Logger }): Promise<BrowserMode> {
  const store = openCounterStore(opts.dataDir);
  const token = opts.token ?? randomToken();
  try {
    const dispatcher = createDispatcher(store, opts.log ? { log: opts.log } : {});
    const http = await startHttpTransport({ dispatcher, token, port: opts.port ?? 0, staticDir: opts.staticDir ?? null });
    ensureSyncAgent(store);
    return {
      store,
      http,
      token,
      stop: async () => {
        await http.close();
        await stopSyncAgent(store);
        store.close();
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
