import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../../domain/errors.js';
import {
  assertReference,
  buildModel97Reference,
  buildRo,
  checkReference,
  model11CheckDigit,
  model22CheckDigit,
  model97Control,
  parseRo,
} from '../../../domain/reference.js';

describe('DOMAIN.md samples', () => {
  it('97 14 123412: control 14 for 123412, written 9714123412', () => {
    expect(model97Control('123412')).toBe('14');
    expect(buildModel97Reference('123412')).toBe('14123412');
    expect(buildRo('97', '14123412')).toBe('9714123412');
    expect(checkReference('97', '14123412')).toEqual({ status: 'ok' });
    expect(checkReference('97', '14-123412')).toEqual({ status: 'ok' });
  });

  it('electricity bill RO 97163220000111111111000: model 97, control 16, valid', () => {
    const { model, reference } = parseRo('97163220000111111111000');
    expect(model).toBe('97');
    expect(reference).toBe('163220000111111111000');
    expect(reference.slice(0, 2)).toBe('16');
    expect(checkReference(model, reference)).toEqual({ status: 'ok' });
    expect(buildRo(model, reference)).toBe('97163220000111111111000');
  });

  it('a wrong control for model 97 is an error naming the expected control', () => {
    const r = checkReference('97', '15123412');
    expect(r.status).toBe('error');
    if (r.status !== 'error') return;
    expect(r.code).toBe('REFERENCE_INVALID');
    expect(r.message).toContain('14');
    const e = (() => {
      try {
        assertReference('97', '15123412', 'ref');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'REFERENCE_INVALID', field: 'ref' });
  });

  it('model 00 or empty: no check', () => {
    expect(checkReference('00', '123-456-ABC')).toEqual({ status: 'ok' });
    expect(checkReference('', '999999')).toEqual({ status: 'ok' });
    expect(checkReference('', '')).toEqual({ status: 'ok' });
  });

  it('an unknown model is a warning the clerk can accept, not an error', () => {
    for (const m of ['01', '12', '98', '99']) {
      const r = checkReference(m, '12345');
      expect(r.status).toBe('warning');
      if (r.status === 'warning') {
        expect(r.code).toBe('REFERENCE_MODEL_UNKNOWN');
        expect(r.message).toContain(m);
      }
      expect(assertReference(m, '12345').status).toBe('warning');
    }
  });

  it('a model that is not two digits is an error', () => {
    expect(checkReference('9', '123').status).toBe('error');
    expect(checkReference('9A', '123').status).toBe('error');
  });
});

/*
 * Independent model 97 vectors: random bodies (digits, some with letters), control computed
 * with Python big integers, letters mapped with int(ch, 36) (A=10 … Z=35):
 *   v = int("".join(str(int(ch, 36)) for ch in body)); ctl = "%02d" % (98 - (v * 100) % 97)
 *   assert (v * 100 + int(ctl)) % 97 == 1
 */
const M97: ReadonlyArray<[string, string]> = [
  ['11WOD536M6P81', '04'],
  ['19', '41'],
  ['20453805803355860821', '47'],
  ['ZWTU60JQ9', '83'],
  ['992135577', '52'],
  ['0143279622490', '38'],
  ['3P8VSVU1NOV44366O8', '24'],
  ['5', '83'],
  ['2352691', '36'],
  ['I07U75J26GAE', '82'],
  ['4368214483', '98'],
  ['665367', '63'],
  ['K', '38'],
  ['1', '95'],
  ['925953876809', '70'],
  ['VQ', '32'],
  ['81729008406430742246', '03'],
  ['29', '11'],
  ['0SX1', '77'],
  ['41857', '45'],
  ['545326952940', '31'],
  ['Y054NP5LS5Q76W88', '55'],
  ['787795', '21'],
  ['89409110208', '38'],
];

describe('independent model 97 vectors (Python)', () => {
  it.each(M97)('%s → control %s', (body, ctl) => {
    expect(model97Control(body)).toBe(ctl);
    expect(checkReference('97', ctl + body)).toEqual({ status: 'ok' });
    expect(checkReference('97', ctl + body.toLowerCase())).toEqual({ status: 'ok' });
    expect(checkReference('97', (ctl + body).replace(/^(.{2})/, '$1-'))).toEqual({ status: 'ok' });
  });

  it.each(M97)('%s with any other control is an error', (body, ctl) => {
    for (let c = 0; c < 100; c++) {
      const other = String(c).padStart(2, '0');
      if (other === ctl) continue;
      expect(checkReference('97', other + body).status).toBe('error');
    }
  });
});

// Python: sum(int(ch) * (k + 1) for k, ch in enumerate(reversed(data))); check = (11 - s % 11) % 10
const M22: ReadonlyArray<[string, string]> = [
  ['04692844', '1'],
  ['201', '4'],
  ['015239759', '8'],
  ['1741', '0'],
  ['78858717', '6'],
  ['578199790', '3'],
];
// Python: s = sum(int(ch) * (k + 2) for k, ch in enumerate(reversed(data))); m = 11 - s % 11; 0 if m >= 10
const M11: ReadonlyArray<[string, string]> = [
  ['3745588', '5'],
  ['2277837', '3'],
  ['6237224', '6'],
  ['32', '9'],
  ['0997070134', '7'],
  ['06714', '8'],
];

describe('models 22 and 11', () => {
  it.each(M22)('model 22: %s + %s', (data, check) => {
    expect(model22CheckDigit(data)).toBe(check);
    expect(checkReference('22', data + check)).toEqual({ status: 'ok' });
    const wrong = String((Number(check) + 1) % 10);
    const r = checkReference('22', data + wrong);
    expect(r.status).toBe('error');
    if (r.status === 'error') expect(r.message).toContain(`should be ${check}`);
  });

  it.each(M11)('model 11 (MOD 11): %s + %s', (data, check) => {
    expect(model11CheckDigit(data)).toBe(check);
    expect(checkReference('11', data + check)).toEqual({ status: 'ok' });
    const r = checkReference('11', data + String((Number(check) + 1) % 10));
    expect(r.status).toBe('error');
    if (r.status === 'error') expect(r.message).toContain('MOD 11');
  });

  it('models 11 and 22 refuse letters', () => {
    expect(checkReference('22', '12A4').status).toBe('error');
    expect(checkReference('11', '12A4').status).toBe('error');
  });
});

describe('malformed model 97 references', () => {
  it.each(['', '1', '14', 'AB123', '14 12*3412', '14123412\u0000'])('%j is an error', (ref) => {
    expect(checkReference('97', ref).status).toBe('error');
  });

  it('a reference longer than 35 characters is an error', () => {
    expect(checkReference('00', '1'.repeat(36)).status).toBe('error');
  });

  it('model97Control refuses an empty body or a symbol', () => {
    expect(() => model97Control('')).toThrow(AppError);
    expect(() => model97Control('12-3')).toThrow(AppError);
  });
});

describe('RO form', () => {
  it('no model is written 00', () => {
    expect(buildRo('', '1234')).toBe('001234');
    expect(buildRo('97', '14-123 412')).toBe('9714123412');
    expect(parseRo('001234')).toEqual({ model: '00', reference: '1234' });
  });

  it('parseRo refuses a value that does not start with two digits', () => {
    expect(() => parseRo('9')).toThrow(AppError);
    expect(() => parseRo('A7123')).toThrow(AppError);
  });
});

describe('properties', () => {
  const body = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 25 });

  it('a built model 97 reference checks, and matches the BigInt definition', () => {
    fc.assert(
      fc.property(body, (b) => {
        const full = buildModel97Reference(b);
        expect(checkReference('97', full)).toEqual({ status: 'ok' });
        const v = BigInt([...b].map((ch) => String(parseInt(ch, 36))).join(''));
        expect(Number(98n - ((v * 100n) % 97n))).toBe(Number(full.slice(0, 2)));
      }),
      { numRuns: 2000 },
    );
  });

  it('checkReference never throws for any strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 4 }), fc.string({ maxLength: 40, unit: 'grapheme' }), (m, r) => {
        const res = checkReference(m, r);
        expect(['ok', 'warning', 'error']).toContain(res.status);
      }),
      { numRuns: 2000 },
    );
  });
});
