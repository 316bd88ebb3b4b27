-- 002: sync with the central server. The device secret is not here: it lives in a
-- file with mode 0600 in the data folder (services/sync/credentials.ts).

-- Sync bookkeeping: server URL, device id, pull cursor, last success / error.
-- The pull cursor is written in the same transaction as the page it covers.
CREATE TABLE sync_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Latest known state of a telegram or eID request, as reported by the centre.
-- One row per request; a report older (by `at`) than the one held is ignored.
CREATE TABLE sync_status_updates (
  entity      TEXT NOT NULL,
  ref         TEXT NOT NULL,
  status      TEXT NOT NULL,
  at          TEXT NOT NULL,
  cursor      INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (entity, ref)
) STRICT;

-- Every reference row pulled from the centre, raw, whether or not this version
-- of the app has an applier for its dataset; a dataset registered later is
-- replayed from here, so nothing pulled before the upgrade is missed.
CREATE TABLE sync_reference (
  dataset TEXT NOT NULL,
  key     TEXT NOT NULL,
  data    TEXT,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  at      TEXT NOT NULL,
  cursor  INTEGER NOT NULL,
  PRIMARY KEY (dataset, key)
) STRICT;

-- Set-aside events for the supervisor's list. A partial index: a checkout's new
-- outbox row (never set aside) adds nothing to it. The push itself needs no
-- index: it reads by seq from sync_state.push_floor, below which every row is
-- acknowledged (services/sync/state.ts).
CREATE INDEX outbox_set_aside ON outbox (seq) WHERE set_aside_at IS NOT NULL;

INSERT OR IGNORE INTO settings (key, value) VALUES
  ('sync_batch_max_events', '500'),
  ('sync_batch_max_bytes', '1048576'),
  ('sync_interval_seconds', '60');
