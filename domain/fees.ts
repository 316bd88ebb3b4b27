/**
 * Counter payment fees as banded rows (reference data the central system replaces by sync).
 *
 * A band applies to amounts fromPara ≤ amount ≤ toPara (both inclusive; toPara null = no
 * upper bound). Its fee is fixedPara + percentBp of the amount (rounded half away from
 * zero by percentOf), then held between minPara and maxPara (null = no maximum).
 * "Up to 1,000 RSD" therefore means toPara = 100000: 1,000.00 RSD is in the first band,
 * 1,000.01 RSD in the next.
 */
import { AppError } from './errors.js';
import { percentOf, type Para } from './money.js';

export type FeeBand = {
  fromPara: Para;
  /** Inclusive; null = no upper bound. */
  toPara: Para | null;
  fixedPara: Para;
  /** Basis points: 250 = 2.5 %. */
  percentBp: number;
  minPara: Para;
  /** null = no maximum. */
  maxPara: Para | null;
};

/** Per-payee exception: some payees' accounts carry no fee, some a fixed one. */
export type FeeException = { kind: 'none' } | { kind: 'fixed'; fixedPara: Para };

/**
 * DOMAIN.md's published 2023 tariff for a domestic postal payment: 25 RSD up to 1,000 RSD,
 * above that 2.5 % of the amount. The minimum (30 RSD) and maximum (500 RSD) of the second
 * band are SAMPLE values, not confirmed figures: replace them with the real tariff by sync.
 */
export const SAMPLE_FEE_BANDS: readonly Readonly<FeeBand>[] = Object.freeze([
  Object.freeze({ fromPara: 1, toPara: 100000, fixedPara: 2500, percentBp: 0, minPara: 0, maxPara: null }),
  Object.freeze({ fromPara: 100001, toPara: null, fixedPara: 0, percentBp: 250, minPara: 3000, maxPara: 50000 }),
]);

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks a fee table: integer para, sorted, contiguous (each band starts one para after the
 * previous one ends), only the last band open-ended, min ≤ max. Throws FEE_BANDS_INVALID.
 */
export function assertFeeBands(bands: readonly FeeBand[]): void {
  const bad = (i: number, why: string): never => {
    throw new AppError('FEE_BANDS_INVALID', `Fee band ${i + 1}: ${why}`, { field: `bands.${i}` });
  };
  if (!Array.isArray(bands) || bands.length === 0) throw new AppError('FEE_BANDS_INVALID', 'The fee table has no bands', { field: 'bands' });
  for (let i = 0; i < bands.length; i++) {
    const b = bands[i]!;
    if (!isNonNegInt(b.fromPara)) bad(i, 'fromPara must be a whole number of para');
    if (b.toPara !== null && (!isNonNegInt(b.toPara) || b.toPara < b.fromPara)) bad(i, 'toPara must be null or a whole number ≥ fromPara');
    if (!isNonNegInt(b.fixedPara)) bad(i, 'fixedPara must be a whole number of para');
    if (!isNonNegInt(b.percentBp) || b.percentBp > 10000) bad(i, 'percentBp must be a whole number of basis points, 0–10000');
    if (!isNonNegInt(b.minPara)) bad(i, 'minPara must be a whole number of para');
    if (b.maxPara !== null && (!isNonNegInt(b.maxPara) || b.maxPara < b.minPara)) bad(i, 'maxPara must be null or a whole number ≥ minPara');
    if (i > 0) {
      const prev = bands[i - 1]!;
      if (prev.toPara === null) bad(i - 1, 'only the last band may have no upper bound');
      else if (b.fromPara !== prev.toPara + 1) bad(i, `must start at ${prev.toPara + 1} para, right after band ${i}`);
    }
  }
}

/**
 * Fee for paying `amountPara` at the counter. An exception for the payee wins over the bands.
 * Throws AMOUNT_INVALID for a non-positive or non-integer amount, FEE_BANDS_INVALID for a bad
 * table and TARIFF_UNKNOWN when no band covers the amount.
 */
export function computeFee(amountPara: Para, bands: readonly FeeBand[], exception?: FeeException): Para {
  if (typeof amountPara !== 'number' || !Number.isSafeInteger(amountPara) || amountPara <= 0) {
    throw new AppError('AMOUNT_INVALID', 'The amount to pay must be a positive whole number of para', { field: 'amount' });
  }
  if (exception !== undefined) {
    if (exception.kind === 'none') return 0;
    if (exception.kind === 'fixed') {
      if (!isNonNegInt(exception.fixedPara)) {
        throw new AppError('FEE_BANDS_INVALID', 'A fixed fee exception must be a whole number of para', { field: 'exception' });
      }
      return exception.fixedPara;
    }
    throw new AppError('FEE_BANDS_INVALID', 'Unknown fee exception kind', { field: 'exception' });
  }
  assertFeeBands(bands);
  const band = bands.find((b) => amountPara >= b.fromPara && (b.toPara === null || amountPara <= b.toPara));
  if (band === undefined) {
    throw new AppError('TARIFF_UNKNOWN', 'No fee band covers this amount', { field: 'amount', details: { amountPara } });
  }
  let fee = band.fixedPara + percentOf(amountPara, band.percentBp);
  if (fee < band.minPara) fee = band.minPara;
  if (band.maxPara !== null && fee > band.maxPara) fee = band.maxPara;
  return fee;
}
