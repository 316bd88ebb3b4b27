import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../services/api.js';
import { setupCounter, type TestCounter } from '../../support/counter.js';

let c: TestCounter;
afterEach(() => c?.store.close());

describe('settings', () => {
  it.each([
    ['idle_lock_seconds', '0'],
    ['idle_lock_seconds', '29'],
    ['pin_max_attempts', '100'],
    ['pin_lock_seconds', '0'],
  ])('refuses %s = %s, which would switch a lock off, and changes nothing', async (key, value) => {
    c = setupCounter();
    const api = createDispatcher(c.store);
    const before = await api.call('settings.get', {}, c.supervisorToken);
    const r = await api.call('settings.set', { key, value }, c.supervisorToken);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'value' } });
    expect(await api.call('settings.get', {}, c.supervisorToken)).toEqual(before);
  });

  it('accepts a value in range and audits the change', async () => {
    c = setupCounter();
    const api = createDispatcher(c.store);
    const r = await api.call('settings.set', { key: 'idle_lock_seconds', value: '120' }, c.supervisorToken);
    expect(r).toMatchObject({ ok: true, value: { idle_lock_seconds: '120' } });
    expect(c.store.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'settings.changed'").get()).toEqual({ n: 1 });
  });
});
