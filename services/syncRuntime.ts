/**
 * One sync agent per open store, started once the counter is enrolled and
 * stopped with the store. Both shells (Electron main, browser mode) use this.
 */
import { SyncAgent, readCredentials } from './sync/index.js';
import type { Store } from './store.js';

const agents = new WeakMap<Store['db'], SyncAgent>();

/** Starts the agent when the counter is enrolled; returns it (or null when not enrolled). */
export function ensureSyncAgent(store: Store): SyncAgent | null {
  let agent = agents.get(store.db);
  if (agent) return agent;
  if (!readCredentials(store.dataDir)) return null;
  agent = new SyncAgent(store);
  agents.set(store.db, agent);
  agent.start();
  return agent;
}

export async function stopSyncAgent(store: Store): Promise<void> {
  const agent = agents.get(store.db);
  if (!agent) return;
  agents.delete(store.db);
  await agent.stop();
}
