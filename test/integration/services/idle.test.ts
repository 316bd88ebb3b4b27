import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../services/api.js';
import { setupCounter, type TestCounter } from '../../support/counter.js';

let c: TestCounter;
afterEach(() => c?.store.close());

describe('idle lock', () => {
  it('is not kept away by the screen polling sync.status, only by the clerk', async () => {
    c = setupCounter();
    c.store.db.prepare("UPDATE settings SET value = '60' WHERE key = 'idle_lock_seconds'").run();
    const api = createDispatcher(c.store);
    expect((await api.call('till.status', {}, c.clerkToken)).ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      c.clock.advance(25_000);
      expect((await api.call('sync.status', {}, c.clerkToken)).ok).toBe(true);
    }
    c.clock.advance(15_000); // 65 s since the clerk's last call, 15 s since the last poll
    expect(await api.call('till.status', {}, c.clerkToken)).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
  });

  it('a clerk call inside the idle time keeps the session open', async () => {
    c = setupCounter();
    c.store.db.prepare("UPDATE settings SET value = '60' WHERE key = 'idle_lock_seconds'").run();
    const api = createDispatcher(c.store);
    for (let i = 0; i < 4; i++) {
      c.clock.advance(40_000);
      expect((await api.call('till.status', {}, c.clerkToken)).ok).toBe(true);
    }
  });
});
