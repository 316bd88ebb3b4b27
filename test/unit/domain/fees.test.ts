import { describe, expect, it } from 'vitest';
import { AppError } from '../../../domain/errors.js';
import { SAMPLE_FEE_BANDS, assertFeeBands, computeFee, type FeeBand } from '../../../domain/fees.js';

function err(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError');
}

describe('SAMPLE_FEE_BANDS (2023 tariff: 25 RSD up to 1,000 RSD, then 2.5 %; sample min 30 RSD, max 500 RSD)', () => {
  // amount in para → fee in para; percentages worked by hand (2.5 % = amount × 250 / 10000, half away from zero).
  it.each([
    [1, 2500, 'smallest amount, first band'],
    [50000, 2500, '500.00 RSD'],
    [100000, 2500, '1,000.00 RSD: last amount of the first band'],
    [100001, 3000, '1,000.01 RSD: second band, 2.5 % = 2500.025 → 2500, raised to the sample minimum 30 RSD'],
    [119999, 3000, '1,199.99 RSD: 2.5 % = 2999.975 → 3000'],
    [120000, 3000, '1,200.00 RSD: 2.5 % = exactly the minimum'],
    [120040, 3001, '1,200.40 RSD: 2.5 % = 3001 para, above the minimum'],
    [120020, 3001, '1,200.20 RSD: 2.5 % = 3000.5 → 3001 (half away from zero)'],
    [120019, 3000, '1,200.19 RSD: 2.5 % = 3000.475 → 3000'],
    [400000, 10000, '4,000.00 RSD: 2.5 % = 100 RSD'],
    [1999999, 50000, '19,999.99 RSD: 2.5 % = 49999.975 → 50000'],
    [2000000, 50000, '20,000.00 RSD: 2.5 % = exactly the maximum'],
    [2000040, 50000, '20,000.40 RSD: 2.5 % = 50001, capped at the sample maximum 500 RSD'],
    [99999999999999, 50000, 'largest IPS amount, capped'],
  ])('%i para → %i para (%s)', (amount, fee) => {
    expect(computeFee(amount, SAMPLE_FEE_BANDS)).toBe(fee);
  });

  it('the sample table is itself valid', () => {
    expect(() => assertFeeBands(SAMPLE_FEE_BANDS)).not.toThrow();
  });
});

describe('band edges with distinct bands', () => {
  // Three bands with fees that cannot be confused: which band applied is visible in the result.
  const BANDS: FeeBand[] = [
    { fromPara: 1, toPara: 100000, fixedPara: 1000, percentBp: 0, minPara: 0, maxPara: null },
    { fromPara: 100001, toPara: 500000, fixedPara: 2000, percentBp: 100, minPara: 3500, maxPara: 6000 },
    { fromPara: 500001, toPara: null, fixedPara: 0, percentBp: 0, minPara: 9000, maxPara: null },
  ];
  it.each([
    [100000, 1000], // 1,000.00 RSD → band 1
    [100001, 3500], // 1,000.01 RSD → band 2: 2000 + 1000.01 → 3000, raised to min 3500
    [150000, 3500], // 2000 + 1500 = 3500 = min
    [150100, 3501], // 2000 + 1501
    [400000, 6000], // 2000 + 4000 = 6000 = max
    [500000, 6000], // 2000 + 5000 = 7000, capped to max 6000
    [500001, 9000], // band 3: fixed 0, min 9000
  ])('%i para → %i para', (amount, fee) => {
    expect(computeFee(amount, BANDS)).toBe(fee);
  });

  it('an amount below the first band has no tariff', () => {
    const bands: FeeBand[] = [{ fromPara: 1000, toPara: null, fixedPara: 100, percentBp: 0, minPara: 0, maxPara: null }];
    expect(err(() => computeFee(999, bands)).code).toBe('TARIFF_UNKNOWN');
    expect(computeFee(1000, bands)).toBe(100);
  });

  it('an amount above a closed last band has no tariff', () => {
    const bands: FeeBand[] = [{ fromPara: 1, toPara: 1000, fixedPara: 100, percentBp: 0, minPara: 0, maxPara: null }];
    expect(computeFee(1000, bands)).toBe(100);
    expect(err(() => computeFee(1001, bands)).code).toBe('TARIFF_UNKNOWN');
  });
});

describe('payee exceptions', () => {
  it('a payee with no fee pays 0 at any amount', () => {
    expect(computeFee(100000, SAMPLE_FEE_BANDS, { kind: 'none' })).toBe(0);
    expect(computeFee(5000000, SAMPLE_FEE_BANDS, { kind: 'none' })).toBe(0);
  });
  it('a payee with a fixed fee pays it whatever the band', () => {
    expect(computeFee(100, SAMPLE_FEE_BANDS, { kind: 'fixed', fixedPara: 1500 })).toBe(1500);
    expect(computeFee(5000000, SAMPLE_FEE_BANDS, { kind: 'fixed', fixedPara: 1500 })).toBe(1500);
  });
  it('a fixed exception must be whole para', () => {
    expect(err(() => computeFee(100, SAMPLE_FEE_BANDS, { kind: 'fixed', fixedPara: 1.5 })).code).toBe('FEE_BANDS_INVALID');
  });
});

describe('input checks', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses amount %s', (amount) => {
    expect(err(() => computeFee(amount, SAMPLE_FEE_BANDS)).code).toBe('AMOUNT_INVALID');
  });

  const base: FeeBand = { fromPara: 1, toPara: 100, fixedPara: 0, percentBp: 0, minPara: 0, maxPara: null };
  it.each<[string, FeeBand[]]>([
    ['no bands', []],
    ['a gap between bands', [base, { ...base, fromPara: 102, toPara: null }]],
    ['overlapping bands', [base, { ...base, fromPara: 100, toPara: null }]],
    ['an open band that is not last', [{ ...base, toPara: null }, { ...base, fromPara: 101 }]],
    ['to before from', [{ ...base, fromPara: 10, toPara: 5 }]],
    ['fractional para', [{ ...base, fixedPara: 0.5 }]],
    ['a percentage over 100 %', [{ ...base, percentBp: 10001 }]],
    ['max below min', [{ ...base, minPara: 10, maxPara: 5 }]],
  ])('refuses a table with %s', (_why, bands) => {
    expect(err(() => computeFee(50, bands)).code).toBe('FEE_BANDS_INVALID');
  });
});
