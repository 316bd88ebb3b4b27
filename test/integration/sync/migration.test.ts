import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeStore, loadMigrations, openStore } from '../../../db/open.js';
import { appendOutbox } from '../../../db/outbox.js';
import { tempDir } from './helpers/central.js';

describe('migration 002_sync', () => {
  it('adds the sync tables, the set-aside index and the batch settings to a store that already has outbox events', () => {
    const dir = tempDir('mig');
    try {
      const all = loadMigrations();
      const v1 = openStore(dir, { migrations: all.slice(0, 1) });
      v1.db.transaction(() => appendOutbox(v1.db, 'receipt.committed', { n: 1 }, '2026-11-21T10:00:00.000Z'))();
      closeStore(v1.db, dir);
      const v2 = openStore(dir, { migrations: all.slice(0, 2) });
      try {
        expect(v2.migratedFrom).toBe(1);
        expect(v2.migratedTo).toBe(2);
        const tables = (v2.db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name LIKE '%sync%' OR name = 'outbox_set_aside' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
        expect(tables).toEqual(expect.arrayContaining(['outbox_set_aside', 'sync_reference', 'sync_state', 'sync_status_updates']));
        const settings = Object.fromEntries((v2.db.prepare("SELECT key, value FROM settings WHERE key LIKE 'sync_%'").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
        expect(settings).toEqual({ sync_batch_max_events: '500', sync_batch_max_bytes: '1048576', sync_interval_seconds: '60' });
        expect((v2.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL').get() as { n: number }).n).toBe(1);
      } finally {
        closeStore(v2.db, dir);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
