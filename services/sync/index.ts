/**
 * The counter's side of sync with the centre. The lead wires these to API
 * methods and to the status bar; the agent is started by the main process.
 */
export { enrollDevice, normalizeServerUrl, type EnrolledDevice } from './enroll.js';
export { SyncAgent, getSyncStatus, runSyncCycle, syncNow, type CycleOptions, type SyncAgentOptions, type SyncError, type SyncRunResult, type SyncStatus } from './agent.js';
export { getStatus, listSetAside, retryAllSetAside, retrySetAside, type RequestStatus, type SetAsideEvent } from './status.js';
export { applyTariff, registerPullApplier, registerStatusApplier, registeredDatasets, replayDataset, type ApplyContext, type RefApplier, type StatusApplier } from './appliers.js';
export { readCredentials, credentialsPath, CREDENTIALS_FILE, type DeviceCredentials } from './credentials.js';
export { batchLimits, pendingEvents } from './state.js';
