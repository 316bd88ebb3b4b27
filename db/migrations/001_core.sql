-- 001: the counter core. Money columns are integer para; instants are UTC ISO-8601 text.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

INSERT INTO settings (key, value) VALUES
  ('idle_lock_seconds', '300'),
  ('pin_max_attempts', '5'),
  ('pin_lock_seconds', '300'),
  ('session_max_hours', '14');

CREATE TABLE clerks (
  id              INTEGER PRIMARY KEY,
  personal_no     TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor')),
  pin_hash        TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until    TEXT,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  clerk_id     INTEGER NOT NULL REFERENCES clerks (id),
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  locked       INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  ended_at     TEXT
) STRICT;

-- RSD notes and coins are reference data (a new note is a row, not a release).
CREATE TABLE denominations (
  value_para INTEGER NOT NULL CHECK (value_para > 0),
  form       TEXT NOT NULL CHECK (form IN ('note', 'coin')),
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  PRIMARY KEY (value_para, form)
) STRICT;

INSERT INTO denominations (value_para, form) VALUES
  (500000, 'note'), (200000, 'note'), (100000, 'note'), (50000, 'note'), (20000, 'note'),
  (10000, 'note'), (5000, 'note'), (2000, 'note'), (1000, 'note'),
  (2000, 'coin'), (1000, 'coin'), (500, 'coin'), (200, 'coin'), (100, 'coin');

-- Tariffs: one row per code and validity start. A price never changes in place;
-- a new row with a later valid_from supersedes it, so old receipts keep their price.
CREATE TABLE tariffs (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL,
  item_kind   TEXT NOT NULL,
  name_sr     TEXT NOT NULL,
  name_en     TEXT NOT NULL,
  price_para  INTEGER NOT NULL CHECK (price_para >= 0),
  valid_from  TEXT NOT NULL,
  sample      INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
  source      TEXT NOT NULL DEFAULT 'local',
  UNIQUE (code, valid_from)
) STRICT;

INSERT INTO tariffs (code, item_kind, name_sr, name_en, price_para, valid_from, sample) VALUES
  ('CERT_COPY', 'postal_fee', 'Оверени препис', 'Certified copy', 25000, '2000-01-01T00:00:00.000Z', 1),
  ('FORM', 'postal_fee', 'Образац', 'Printed form', 3000, '2000-01-01T00:00:00.000Z', 1),
  ('PHOTOCOPY', 'postal_fee', 'Фотокопија по страни', 'Photocopy per page', 1500, '2000-01-01T00:00:00.000Z', 1),
  ('FAX', 'postal_fee', 'Слање факса по страни', 'Fax per page', 12000, '2000-01-01T00:00:00.000Z', 1),
  ('ADVICE', 'postal_fee', 'Повратница', 'Advice of delivery', 9000, '2000-01-01T00:00:00.000Z', 1);

-- A till session: one clerk's cash drawer from opening float to closing count.
CREATE TABLE till_sessions (
  id                 INTEGER PRIMARY KEY,
  clerk_id           INTEGER NOT NULL REFERENCES clerks (id),
  business_day       TEXT NOT NULL,
  opened_at          TEXT NOT NULL,
  opening_count_json TEXT NOT NULL,
  float_para         INTEGER NOT NULL CHECK (float_para >= 0),
  closed_at          TEXT,
  closing_count_json TEXT,
  expected_para      INTEGER,
  counted_para       INTEGER,
  difference_para    INTEGER,
  difference_reason  TEXT,
  CHECK ((closed_at IS NULL) = (counted_para IS NULL))
) STRICT;

-- At most one open till per clerk.
CREATE UNIQUE INDEX till_sessions_one_open ON till_sessions (clerk_id) WHERE closed_at IS NULL;

-- A ledger transaction: every money movement, with postings that sum to zero.
CREATE TABLE ledger_transactions (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,
  till_session_id INTEGER REFERENCES till_sessions (id),
  clerk_id        INTEGER NOT NULL REFERENCES clerks (id),
  reference       TEXT,
  created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_transactions_by_till ON ledger_transactions (till_session_id);

CREATE TABLE postings (
  id             INTEGER PRIMARY KEY,
  transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
  account        TEXT NOT NULL,
  amount_para    INTEGER NOT NULL
) STRICT;
CREATE INDEX postings_by_transaction ON postings (transaction_id);
CREATE INDEX postings_by_account ON postings (account);

CREATE TABLE receipts (
  id              INTEGER PRIMARY KEY,
  number          TEXT NOT NULL UNIQUE,
  business_day    TEXT NOT NULL,
  seq             INTEGER NOT NULL CHECK (seq > 0),
  operation_id    TEXT NOT NULL UNIQUE,
  request_hash    TEXT NOT NULL,
  transaction_id  INTEGER NOT NULL REFERENCES ledger_transactions (id),
  till_session_id INTEGER NOT NULL REFERENCES till_sessions (id),
  clerk_id        INTEGER NOT NULL REFERENCES clerks (id),
  total_para      INTEGER NOT NULL,
  tendered_para   INTEGER NOT NULL,
  change_para     INTEGER NOT NULL CHECK (change_para >= 0),
  created_at      TEXT NOT NULL,
  UNIQUE (business_day, seq)
) STRICT;

CREATE TABLE receipt_items (
  id               INTEGER PRIMARY KEY,
  receipt_id       INTEGER NOT NULL REFERENCES receipts (id),
  line_no          INTEGER NOT NULL,
  item_kind        TEXT NOT NULL,
  description      TEXT NOT NULL,
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_para  INTEGER NOT NULL,
  amount_para      INTEGER NOT NULL,
  fee_para         INTEGER NOT NULL DEFAULT 0,
  data_json        TEXT NOT NULL DEFAULT '{}',
  UNIQUE (receipt_id, line_no)
) STRICT;

CREATE TABLE tenders (
  id          INTEGER PRIMARY KEY,
  receipt_id  INTEGER NOT NULL REFERENCES receipts (id),
  type        TEXT NOT NULL CHECK (type IN ('cash', 'card')),
  amount_para INTEGER NOT NULL CHECK (amount_para > 0),
  card_ref    TEXT
) STRICT;
CREATE INDEX tenders_by_receipt ON tenders (receipt_id);

CREATE TABLE reprints (
  id         INTEGER PRIMARY KEY,
  receipt_id INTEGER NOT NULL REFERENCES receipts (id),
  clerk_id   INTEGER NOT NULL REFERENCES clerks (id),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX reprints_by_receipt ON reprints (receipt_id);

-- Hash-chained audit log: hash = sha256(prev_hash || canonical row text).
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  clerk_id   INTEGER,
  action     TEXT NOT NULL,
  entity     TEXT,
  entity_id  TEXT,
  payload    TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
) STRICT;

-- Outbox: per-device sequence, written in the same transaction as the change.
CREATE TABLE outbox (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id       TEXT NOT NULL,
  type           TEXT NOT NULL,
  payload        TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  acked_at       TEXT,
  set_aside_at   TEXT,
  set_aside_reason TEXT
);

-- Append-only: money rows and the audit chain are never updated or deleted by the app.
CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipt_items_no_update BEFORE UPDATE ON receipt_items BEGIN SELECT RAISE(ABORT, 'receipt items are append-only'); END;
CREATE TRIGGER receipt_items_no_delete BEFORE DELETE ON receipt_items BEGIN SELECT RAISE(ABORT, 'receipt items are append-only'); END;
CREATE TRIGGER tenders_no_update BEFORE UPDATE ON tenders BEGIN SELECT RAISE(ABORT, 'tenders are append-only'); END;
CREATE TRIGGER tenders_no_delete BEFORE DELETE ON tenders BEGIN SELECT RAISE(ABORT, 'tenders are append-only'); END;
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
-- A till session is written at opening and completed once at closing; after that it is fixed.
CREATE TRIGGER till_sessions_no_update_after_close BEFORE UPDATE ON till_sessions WHEN OLD.closed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, 'a closed till session is final'); END;
CREATE TRIGGER till_sessions_no_delete BEFORE DELETE ON till_sessions BEGIN SELECT RAISE(ABORT, 'till sessions are never deleted'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
