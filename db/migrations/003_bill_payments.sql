-- 003: bill payments. The billers directory, fee bands and payee-bank cut-off
-- times are reference data: seeded with sample rows (marked sample = 1),
-- editable by a supervisor, replaceable by sync from the centre.

CREATE TABLE billers (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT NOT NULL,
  account              TEXT NOT NULL UNIQUE CHECK (length(account) = 18),
  default_payment_code TEXT CHECK (default_payment_code IS NULL OR length(default_payment_code) = 3),
  model                TEXT NOT NULL DEFAULT '',
  reference_pattern    TEXT,
  fee_exception        TEXT CHECK (fee_exception IS NULL OR fee_exception IN ('none', 'fixed')),
  fee_fixed_para       INTEGER CHECK (fee_fixed_para IS NULL OR fee_fixed_para >= 0),
  active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  sample               INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
  source               TEXT NOT NULL DEFAULT 'local',
  updated_at           TEXT NOT NULL
) STRICT;

-- Fee bands by service, each set valid from an instant: a new set supersedes, old receipts keep their fee.
CREATE TABLE fee_bands (
  id          INTEGER PRIMARY KEY,
  service     TEXT NOT NULL,
  valid_from  TEXT NOT NULL,
  band_no     INTEGER NOT NULL,
  from_para   INTEGER NOT NULL CHECK (from_para >= 0),
  to_para     INTEGER,
  fixed_para  INTEGER NOT NULL CHECK (fixed_para >= 0),
  percent_bp  INTEGER NOT NULL CHECK (percent_bp BETWEEN 0 AND 10000),
  min_para    INTEGER NOT NULL CHECK (min_para >= 0),
  max_para    INTEGER,
  sample      INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
  source      TEXT NOT NULL DEFAULT 'local',
  UNIQUE (service, valid_from, band_no)
) STRICT;

CREATE TABLE payee_bank_cutoffs (
  bank_code  TEXT PRIMARY KEY CHECK (length(bank_code) = 3),
  bank_name  TEXT NOT NULL,
  cutoff     TEXT NOT NULL CHECK (cutoff GLOB '[0-2][0-9]:[0-5][0-9]'),
  sample     INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
  source     TEXT NOT NULL DEFAULT 'local',
  updated_at TEXT NOT NULL
) STRICT;

-- Non-working days besides weekends (settlement moves to the next business day).
CREATE TABLE bank_holidays (
  day    TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  name   TEXT NOT NULL,
  sample INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1))
) STRICT;

INSERT INTO fee_bands (service, valid_from, band_no, from_para, to_para, fixed_para, percent_bp, min_para, max_para, sample) VALUES
  ('bill_payment', '2000-01-01T00:00:00.000Z', 1, 1, 100000, 2500, 0, 0, NULL, 1),
  ('bill_payment', '2000-01-01T00:00:00.000Z', 2, 100001, NULL, 0, 250, 3000, 50000, 1);

INSERT INTO billers (name, account, default_payment_code, model, reference_pattern, fee_exception, fee_fixed_para, sample, updated_at) VALUES
  ('Elektrodistribucija (sample)', '845000000040484987', '189', '97', '^[0-9]{2}[0-9]{19}$', NULL, NULL, 1, '2000-01-01T00:00:00.000Z'),
  ('Čigra doo (sample)', '840000000095584510', '189', '', NULL, NULL, NULL, 1, '2000-01-01T00:00:00.000Z'),
  ('Infostan (sample)', '840000074222184357', '189', '97', NULL, NULL, NULL, 1, '2000-01-01T00:00:00.000Z'),
  ('Banka — bez provizije (sample)', '165000000000005574', '189', '', NULL, 'none', NULL, 1, '2000-01-01T00:00:00.000Z');

INSERT INTO payee_bank_cutoffs (bank_code, bank_name, cutoff, sample, updated_at) VALUES
  ('840', 'Uprava za trezor (sample)', '15:00', 1, '2000-01-01T00:00:00.000Z'),
  ('845', 'Banka 845 (sample)', '14:30', 1, '2000-01-01T00:00:00.000Z'),
  ('160', 'Banka 160 (sample)', '15:30', 1, '2000-01-01T00:00:00.000Z'),
  ('165', 'Banka 165 (sample)', '14:00', 1, '2000-01-01T00:00:00.000Z'),
  ('170', 'Banka 170 (sample)', '15:00', 1, '2000-01-01T00:00:00.000Z');

INSERT INTO bank_holidays (day, name, sample) VALUES
  ('2026-01-01', 'Nova godina', 1), ('2026-01-02', 'Nova godina', 1), ('2026-01-07', 'Božić', 1),
  ('2026-02-16', 'Sretenje', 1), ('2026-02-17', 'Sretenje', 1), ('2026-04-10', 'Veliki petak', 1),
  ('2026-04-13', 'Uskrsni ponedeljak', 1), ('2026-05-01', 'Praznik rada', 1), ('2026-11-11', 'Dan primirja', 1);
