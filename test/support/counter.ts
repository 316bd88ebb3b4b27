/** Test helpers: a real counter store in a fresh temp folder, set up, with a signed-in clerk. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCounterStore, type OpenedStore } from '../../services/store.js';
import { initialSetup } from '../../services/setup.js';
import { createClerk, resolveSession, signIn, type Session } from '../../services/auth.js';

export function tempDir(tag = 'pd'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `postdesk-${tag}-`));
}

export interface TestCounter {
  dir: string;
  store: OpenedStore;
  supervisor: Session;
  supervisorToken: string;
  clerk: Session;
  clerkToken: string;
  clock: { now: Date; advance(ms: number): void };
}

export function setupCounter(opts: { at?: string } = {}): TestCounter {
  const dir = tempDir('svc');
  const clock = {
    now: new Date(opts.at ?? '2026-11-21T09:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const store = openCounterStore(dir, { now: () => clock.now });
  initialSetup(store, { branchCode: '11000', counterNo: 3, supervisor: { personalNo: '1001', name: 'Ана Супервизор', pin: '4321' } });
  const sup = signIn(store, '1001', '4321');
  const supervisor = resolveSession(store, sup.sessionToken);
  createClerk(store, supervisor.clerk.id, { personalNo: '2002', name: 'Марко Шалтер', role: 'clerk', pin: '1234' });
  const cl = signIn(store, '2002', '1234');
  const clerk = resolveSession(store, cl.sessionToken);
  return { dir, store, supervisor, supervisorToken: sup.sessionToken, clerk, clerkToken: cl.sessionToken, clock };
}

export function countRows(store: OpenedStore, table: string): number {
  return (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

export const FIVE_THOUSANDS = [{ valuePara: 500000, form: 'note' as const, quantity: 1 }];
