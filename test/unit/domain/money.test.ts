import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMoney, parseMoney, percentOf, sumPara, toPlain } from '../../../domain/money.js';
import { AppError } from '../../../domain/errors.js';

describe('parseMoney', () => {
  it.each([
    ['1.234,56', 123456],
    ['1234,56', 123456],
    ['1234.56', 123456],
    ['1,234.56', 123456],
    ['1234', 123400],
    ['0,01', 1],
    ['12,5', 1250],
    ['1.234.567', 123456700],
    [' 25,00 RSD', 2500],
    ['1 234,56', 123456],
  ])('reads %s as %i para', (text, para) => {
    expect(parseMoney(text)).toBe(para);
  });

  it.each(['', '   ', 'abc', '1,234', '1.234', '1,2,3', '12.345,678', '1.5.5', '--1', '1e3', 'NaN', '0x10', '١٢٣'])('refuses %j', (text) => {
    expect(() => parseMoney(text)).toThrow(AppError);
  });

  it('refuses more than two decimals with a clear message', () => {
    expect(() => parseMoney('10,123')).toThrow(/at most 2 decimals/);
  });

  it('refuses a sign unless allowed', () => {
    expect(() => parseMoney('-10,00')).toThrow(/negative/);
    expect(parseMoney('-10,00', { allowNegative: true })).toBe(-1000);
  });

  it('refuses values beyond safe integers', () => {
    expect(() => parseMoney('90071992547409,92')).toThrow(expect.objectContaining({ code: 'AMOUNT_TOO_LARGE' }));
    expect(parseMoney('90071992547409,91')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('round-trips every safe amount through formatMoney and toPlain', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (para) => {
        expect(parseMoney(formatMoney(para))).toBe(para);
        expect(parseMoney(toPlain(para))).toBe(para);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws anything but AppError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        try {
          const v = parseMoney(s);
          expect(Number.isSafeInteger(v)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
        }
      }),
      { numRuns: 20000 },
    );
  });
});

describe('formatMoney', () => {
  it('formats for sr-RS with grouping and two decimals', () => {
    expect(formatMoney(123456)).toBe('1.234,56');
    expect(formatMoney(5)).toBe('0,05');
    expect(formatMoney(-1000)).toBe('-10,00');
    expect(formatMoney(100, { withCurrency: true })).toBe('1,00 RSD');
  });
});

describe('percentOf and sumPara', () => {
  it('rounds half away from zero in integers', () => {
    expect(percentOf(100001, 250)).toBe(2500); // 2500.025
    expect(percentOf(100020, 250)).toBe(2501); // 2500.5 → 2501
    expect(percentOf(-100020, 250)).toBe(-2501);
  });
  it('refuses a sum beyond safe integers', () => {
    expect(() => sumPara([Number.MAX_SAFE_INTEGER, 1])).toThrow(AppError);
  });
});
