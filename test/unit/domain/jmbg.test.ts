import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../../domain/errors.js';
import { isValidJmbg, jmbgControl, parseJmbg } from '../../../domain/jmbg.js';

function err(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError');
}

describe('DOMAIN.md sample', () => {
  it('0101100710006 is valid (YYY 100 → 2100 by the ≥800 / <800 rule), region 71, male', () => {
    expect(parseJmbg('0101100710006')).toEqual({ birthDate: '2100-01-01', region: '71', regionArea: 'central-serbia', sex: 'M' });
  });

  it('notAfter refuses a birth date in the future', () => {
    const e = err(() => parseJmbg('0101100710006', { notAfter: '2025-06-01' }));
    expect(e.code).toBe('JMBG_INVALID');
    expect(e.message).toContain('future');
  });
});

/*
 * Independent vectors: built in Python from datetime dates, region and BBB, with
 * K = 11 - ((7(a+g) + 6(b+h) + 5(c+i) + 4(d+j) + 3(e+k) + 2(f+l)) mod 11), 0 when 10 or 11
 * (weights [7,6,5,4,3,2,7,6,5,4,3,2] over the first 12 digits). m is the value before mapping.
 */
const VALID: ReadonlyArray<[string, string, string, string, string]> = [
  ['1705985713313', '1985-05-17', '71', 'central-serbia', 'M'], // m=3
  ['3112999809700', '1999-12-31', '80', 'vojvodina', 'F'], // m=11 → K=0
  ['2902000911543', '2000-02-29', '91', 'kosovo-metohija', 'M'], // m=3
  ['0101007704047', '2007-01-01', '70', 'abroad', 'M'], // m=7
  ['2902960056664', '1960-02-29', '05', 'foreigner', 'F'], // m=4
  ['0908952790490', '1952-08-09', '79', 'central-serbia', 'M'], // m=10 → K=0
  ['3011015890749', '2015-11-30', '89', 'vojvodina', 'M'], // m=9
  ['0303901968406', '1901-03-03', '96', 'kosovo-metohija', 'F'], // m=6
  ['1506990710010', '1990-06-15', '71', 'central-serbia', 'M'], // m=10 → K=0
  ['1506990710060', '1990-06-15', '71', 'central-serbia', 'M'], // m=11 → K=0
];

describe('independent JMBG vectors (Python)', () => {
  it.each(VALID)('%s → %s, region %s (%s), %s', (j, birthDate, region, regionArea, sex) => {
    expect(parseJmbg(j)).toEqual({ birthDate, region, regionArea, sex });
    expect(jmbgControl(j.slice(0, 12))).toBe(Number(j[12]));
  });

  it.each(VALID)('%s with any other control digit is refused', (j) => {
    for (let k = 0; k <= 9; k++) {
      if (String(k) === j[12]) continue;
      const e = err(() => parseJmbg(j.slice(0, 12) + String(k), { field: 'citizen' }));
      expect(e).toMatchObject({ code: 'JMBG_INVALID', field: 'citizen' });
      expect(e.message).toContain(`should be ${j[12]}`);
    }
  });

  // Correct control digits (Python), impossible dates: the date check is what refuses them.
  it.each([
    ['3102985710005', '31 February'],
    ['2902001710002', '29 February 2001'],
    ['0013985710001', 'month 13'],
    ['3104985710008', '31 April'],
    ['0000985710007', 'day 0, month 0'],
    ['2902900710004', '29 February 1900 (not a leap year)'],
  ])('%s is refused: %s', (j) => {
    const e = err(() => parseJmbg(j));
    expect(e.code).toBe('JMBG_INVALID');
    expect(e.message).toContain('calendar date');
  });
});

describe('format', () => {
  it.each(['', '010110071000', '01011007100061', '010110071000a', '0101-100710006', '０１01100710006'])('refuses %j', (j) => {
    expect(err(() => parseJmbg(j)).code).toBe('JMBG_INVALID');
    expect(isValidJmbg(j)).toBe(false);
  });

  it('BBB 499 is male, 500 is female', () => {
    const make = (bbb: string) => {
      const s12 = `150699071${bbb}`; // 15.06.1990, region 71
      return s12 + String(jmbgControl(s12));
    };
    expect(parseJmbg(make('499')).sex).toBe('M');
    expect(parseJmbg(make('500')).sex).toBe('F');
  });
});

describe('properties', () => {
  it('any 13 digits: parseJmbg returns a well-formed result or throws JMBG_INVALID', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 13, maxLength: 13 }), (j) => {
        try {
          const r = parseJmbg(j);
          expect(r.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          const d = new Date(`${r.birthDate}T00:00:00Z`);
          expect(d.toISOString().slice(0, 10)).toBe(r.birthDate);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe('JMBG_INVALID');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
