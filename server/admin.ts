/**
 * The central operator's actions: issue enrollment codes, publish tariffs and
 * other reference rows, post telegram / eID status updates. The CLI and the
 * tests call these; they talk to the storage directly, not over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { parseMoney } from '../domain/money.js';
import {
  BRANCH_RE,
  DATASET_RE,
  ENROLL_CODE_ALPHABET,
  KNOWN_STATUSES,
  StatusUpdateSchema,
  TariffRowSchema,
  formatEnrollCode,
  isIsoInstant,
  tariffKey,
  type StatusUpdate,
  type TariffRow,
} from '../domain/sync.js';
import { enrollCodeHash } from './app.js';
import type { CentralStorage } from './storage.js';

export interface IssuedEnrollment {
  /** Shown once, in groups of four: "7KQ2-M9XD-4HTB-0CWE". Only its hash is stored. */
  code: string;
  branch: string;
  counter: string;
  expiresAt: string;
}

export async function createEnrollmentCode(storage: CentralStorage, opts: { branch: string; counter: string; ttlHours?: number; now?: Date }): Promise<IssuedEnrollment> {
  if (!BRANCH_RE.test(opts.branch)) throw new AppError('VALIDATION_FAILED', `Branch "${opts.branch}" must be 1–20 letters, digits, - or _.`, { field: 'branch' });
  if (!BRANCH_RE.test(opts.counter)) throw new AppError('VALIDATION_FAILED', `Counter "${opts.counter}" must be 1–20 letters, digits, - or _.`, { field: 'counter' });
  const ttl = opts.ttlHours ?? 24;
  if (!(ttl > 0 && ttl <= 24 * 30)) throw new AppError('VALIDATION_FAILED', 'The code must expire within 1 second and 30 days.', { field: 'ttlHours' });
  const now = opts.now ?? new Date();
  // 32 symbols divide 256 evenly, so byte % 32 is unbiased: 16 symbols = 80 bits.
  const code = Array.from(randomBytes(16), (b) => ENROLL_CODE_ALPHABET[b % 32]).join('');
  const expiresAt = new Date(now.getTime() + ttl * 3_600_000).toISOString();
  await storage.createEnrollment({ codeHash: enrollCodeHash(code), branch: opts.branch, counter: opts.counter, createdAt: now.toISOString(), expiresAt });
  return { code: formatEnrollCode(code), branch: opts.branch, counter: opts.counter, expiresAt };
}

export interface PublishTariffInput {
  code: string;
  /** "123,45", "1.234,56", "123.45" or a number of para. */
  price: string | number;
  validFrom: string;
  nameSr?: string;
  nameEn?: string;
  itemKind?: string;
  /** Allow a validity start more than a minute in the past. */
  allowPast?: boolean;
  now?: Date;
}

/**
 * Publishes a tariff row. A new price is a new row with a later valid_from;
 * a row already in force is never changed (republishing it identically is a
 * no-op). Names and item kind default to the code's previous row.
 */
export async function publishTariff(storage: CentralStorage, input: PublishTariffInput): Promise<{ cursor: number; row: TariffRow; unchanged: boolean }> {
  const now = input.now ?? new Date();
  const code = input.code.trim().toUpperCase();
  if (!isIsoInstant(input.validFrom)) throw new AppError('VALIDATION_FAILED', `valid-from "${input.validFrom}" must be an ISO-8601 instant with a zone, e.g. 2026-01-01T00:00:00Z.`, { field: 'validFrom' });
  const validFrom = new Date(input.validFrom).toISOString();
  if (!input.allowPast && Date.parse(validFrom) < now.getTime() - 60_000) {
    throw new AppError('VALIDATION_FAILED', `valid-from ${validFrom} is in the past. A tariff must not reach back in time; pass --allow-past if this back-dated row is really meant.`, { field: 'validFrom' });
  }
  const pricePara = typeof input.price === 'number' ? input.price : parseMoney(input.price, { field: 'price' });
  const previous = await storage.latestRef('tariffs', `${code}@`);
  const prev = previous?.data ? (JSON.parse(previous.data) as Partial<TariffRow>) : {};
  // A code the centre has never published needs its names: a counter would otherwise
  // replace its own name ("Оверени препис") with the bare code on every receipt.
  if (!previous?.data && (!input.nameSr?.trim() || !input.nameEn?.trim())) {
    throw new AppError('VALIDATION_FAILED', `Tariff ${code} is new to the centre: give its names with --name-sr and --name-en (receipts print them).`, { field: input.nameSr?.trim() ? 'nameEn' : 'nameSr' });
  }
  const candidate = {
    code,
    item_kind: input.itemKind ?? prev.item_kind ?? 'postal_fee',
    name_sr: input.nameSr ?? prev.name_sr ?? code,
    name_en: input.nameEn ?? prev.name_en ?? code,
    price_para: pricePara,
    valid_from: validFrom,
  };
  const parsed = TariffRowSchema.safeParse(candidate);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', `The tariff is invalid: ${i?.path.join('.')} ${i?.message}.`, { field: String(i?.path[0] ?? '') });
  }
  const row = parsed.data;
  const key = tariffKey(code, validFrom);
  const same = await storage.latestRef('tariffs', key);
  if (same && same.key === key && same.data !== null) {
    const old = JSON.parse(same.data) as TariffRow;
    if (JSON.stringify(old) === JSON.stringify(row)) return { cursor: same.cursor, row, unchanged: true };
    if (Date.parse(validFrom) <= now.getTime()) {
      throw new AppError('VALIDATION_FAILED', `Tariff ${code} valid from ${validFrom} is already in force and cannot be changed; publish a new row with a later valid-from.`, { field: 'validFrom' });
    }
  }
  const cursor = await storage.publish({ kind: 'ref', dataset: 'tariffs', key, data: JSON.stringify(row), deleted: false, branch: null, at: now.toISOString() });
  return { cursor, row, unchanged: false };
}

/** Publishes one row of any reference dataset (fee bands, billers, card designs, clerks …); data null deletes it. */
export async function publishReference(storage: CentralStorage, input: { dataset: string; key: string; data: unknown; branch?: string | null; now?: Date }): Promise<{ cursor: number }> {
  if (!DATASET_RE.test(input.dataset)) throw new AppError('VALIDATION_FAILED', `Dataset "${input.dataset}" must be lower-case letters, digits and _.`, { field: 'dataset' });
  if (!input.key || input.key.length > 200) throw new AppError('VALIDATION_FAILED', 'The key must be 1–200 characters.', { field: 'key' });
  if (input.dataset === 'tariffs') throw new AppError('VALIDATION_FAILED', 'Publish tariffs with publish-tariff, which checks them.', { field: 'dataset' });
  const deleted = input.data === null;
  const cursor = await storage.publish({ kind: 'ref', dataset: input.dataset, key: input.key, data: deleted ? null : JSON.stringify(input.data), deleted, branch: input.branch ?? null, at: (input.now ?? new Date()).toISOString() });
  return { cursor };
}

/** Posts a telegram or eID request status for the counters (of one branch, or all). */
export async function postStatus(storage: CentralStorage, input: { entity: string; ref: string; status: string; at?: string; branch?: string | null; now?: Date }): Promise<{ cursor: number; update: StatusUpdate; known: boolean }> {
  const parsed = StatusUpdateSchema.safeParse({ entity: input.entity, ref: input.ref, status: input.status, at: input.at ?? (input.now ?? new Date()).toISOString() });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', `The status update is invalid: ${i?.path.join('.')} ${i?.message}.`, { field: String(i?.path[0] ?? '') });
  }
  if (input.branch != null && !BRANCH_RE.test(input.branch)) throw new AppError('VALIDATION_FAILED', `Branch "${input.branch}" is not a branch code.`, { field: 'branch' });
  const update = { ...parsed.data, at: new Date(parsed.data.at).toISOString() };
  const cursor = await storage.publish({ kind: 'status', dataset: update.entity, key: update.ref, data: update.status, deleted: false, branch: input.branch ?? null, at: update.at });
  return { cursor, update, known: KNOWN_STATUSES[update.entity].includes(update.status) };
}
