import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../../domain/errors.js';
import {
  accountControl,
  assertAccount,
  formatAccountShort,
  ibanOf,
  isValidAccount,
  normalizeAccount,
} from '../../../domain/account.js';

function codeOf(fn: () => unknown): { code: string; field?: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const a = e as AppError;
    return { code: a.code, field: a.field, message: a.message };
  }
}

describe('DOMAIN.md samples', () => {
  it.each([
    ['840-955845-10', '840000000095584510'],
    ['165-55-74', '165000000000005574'],
    ['840-742221843-57', '840000074222184357'],
    ['840-711111843-52', '840000071111184352'],
  ])('%s is valid and normalises to %s', (short, full) => {
    expect(normalizeAccount(short)).toBe(full);
    expect(isValidAccount(short)).toBe(true);
    expect(assertAccount(short)).toBe(full);
    expect(isValidAccount(full)).toBe(true);
  });

  it('160-5100000000-84 is refused and the message names the expected control 02', () => {
    expect(isValidAccount('160-5100000000-84')).toBe(false);
    const e = codeOf(() => assertAccount('160-5100000000-84', 'payee'));
    expect(e).toMatchObject({ code: 'ACCOUNT_INVALID', field: 'payee' });
    expect(e!.message).toContain('02');
    expect(accountControl('1600005100000000')).toBe('02');
  });

  it('160000000123456778 is refused (control should be 29, computed with Python)', () => {
    expect(isValidAccount('160000000123456778')).toBe(false);
    const e = codeOf(() => assertAccount('160000000123456778'));
    expect(e).toMatchObject({ code: 'ACCOUNT_INVALID', field: 'account' });
    expect(e!.message).toContain('29');
  });

  it('the electricity bill account 845000000040484987 is valid', () => {
    expect(isValidAccount('845000000040484987')).toBe(true);
  });
});

/*
 * Independent vectors: random bank codes and middle parts, control digits computed with
 * Python big integers, not with the code under test:
 *   ctl = "%02d" % (98 - (int(first16) * 100) % 97); assert int(first16 + ctl) % 97 == 1
 * (script: random.seed(20240611); middle = randint(1, 10**randint(1,13) - 1)).
 */
const VECTORS: ReadonlyArray<[string, string]> = [
  ['105-5744884184-84', '105000574488418484'],
  ['160-6430209600938-10', '160643020960093810'],
  ['170-952439897344-56', '170095243989734456'],
  ['200-350913-24', '200000000035091324'],
  ['205-4-76', '205000000000000476'],
  ['250-333624465975-19', '250033362446597519'],
  ['265-4509445906-89', '265000450944590689'],
  ['275-785252-28', '275000000078525228'],
  ['310-89506-94', '310000000008950694'],
  ['325-361562174-93', '325000036156217493'],
  ['340-4-15', '340000000000000415'],
  ['355-5353-74', '355000000000535374'],
  ['360-4-85', '360000000000000485'],
  ['840-39466-70', '840000000003946670'],
  ['845-6720969-95', '845000000672096995'],
  ['908-7575-48', '908000000000757548'],
  ['115-7144988359-24', '115000714498835924'],
  ['145-4136980-88', '145000000413698088'],
  ['150-630273961009-05', '150063027396100905'],
  ['165-48546-04', '165000000004854604'],
  ['190-49425-25', '190000000004942525'],
  ['220-3571-49', '220000000000357149'],
];

describe('independent account vectors (Python)', () => {
  it.each(VECTORS)('%s → %s', (short, full) => {
    expect(normalizeAccount(short)).toBe(full);
    expect(accountControl(full.slice(0, 16))).toBe(full.slice(16));
    expect(isValidAccount(short)).toBe(true);
    expect(isValidAccount(full)).toBe(true);
    expect(formatAccountShort(full)).toBe(short);
  });

  it.each(VECTORS)('%s with every other control digit pair is refused', (_short, full) => {
    const good = Number(full.slice(16));
    for (let c = 0; c < 100; c++) {
      if (c === good) continue;
      const bad = full.slice(0, 16) + String(c).padStart(2, '0');
      expect(isValidAccount(bad)).toBe(false);
    }
  });
});

describe('controls 97 and 98: the 00 and 01 aliases are refused (vectors found with Python)', () => {
  // 160000000000002598: control 98, so 1600000000000025 01 is also 1 mod 97 but not a valid control;
  // 160000000000009097: control 97, so ...00 is also 1 mod 97 but not valid; 160000000000005702: control 02.
  it.each([
    ['160000000000002598', '160000000000002501'],
    ['160000000000009097', '160000000000009000'],
  ])('%s is valid, %s (same number mod 97) is refused', (good, alias) => {
    expect(BigInt(alias) % 97n).toBe(1n);
    expect(isValidAccount(good)).toBe(true);
    expect(isValidAccount(alias)).toBe(false);
    expect(codeOf(() => assertAccount(alias))!.message).toContain(good.slice(16));
  });

  it('a control below 10 keeps its leading zero', () => {
    expect(accountControl('1600000000000057')).toBe('02');
    expect(isValidAccount('160000000000005702')).toBe(true);
    expect(formatAccountShort('160000000000005702')).toBe('160-57-02');
  });
});

describe('normalizeAccount forms', () => {
  it('accepts 18 digits with dashes or blanks and trims', () => {
    expect(normalizeAccount('840-0000000955845-10')).toBe('840000000095584510');
    expect(normalizeAccount(' 840 0000000955845 10 ')).toBe('840000000095584510');
    expect(normalizeAccount('840 955845 10')).toBe('840000000095584510');
    expect(normalizeAccount('8400 0000 0095 5845 10')).toBe('840000000095584510');
  });

  it.each(['', '840', '84-955845-10', '840-955845-1', '840-12345678901234-10', '840-955845-10-1', '84000000009558451', '8400000000955845100', '840-9558a5-10', 'RS35840000000095584510', '840000000095584510x'])(
    'refuses %j with ACCOUNT_INVALID',
    (text) => {
      expect(codeOf(() => normalizeAccount(text, 'R'))).toMatchObject({ code: 'ACCOUNT_INVALID', field: 'R' });
      expect(isValidAccount(text)).toBe(false);
    },
  );

  it('accountControl refuses anything but 16 digits', () => {
    expect(codeOf(() => accountControl('123'))).toMatchObject({ code: 'ACCOUNT_INVALID' });
    expect(codeOf(() => accountControl('84000000009558451x'))).toMatchObject({ code: 'ACCOUNT_INVALID' });
  });
});

describe('IBAN', () => {
  // Check digits computed with Python: 98 - int(account + "272800") % 97.
  it.each([
    ['840000000095584510', 'RS35840000000095584510'],
    ['105016550320380259', 'RS35105016550320380259'],
    ['160047216786981743', 'RS35160047216786981743'],
    ['170006307805840735', 'RS35170006307805840735'],
    ['200095270196131344', 'RS35200095270196131344'],
    ['205093916250292485', 'RS35205093916250292485'],
  ])('%s → %s', (acc, iban) => {
    expect(ibanOf(acc)).toBe(iban);
  });

  it('refuses an invalid account', () => {
    expect(codeOf(() => ibanOf('160000000123456778'))).toMatchObject({ code: 'ACCOUNT_INVALID' });
  });
});

describe('properties', () => {
  const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

  it('every 18-digit account with a wrong control is refused', () => {
    fc.assert(
      fc.property(digits(16), fc.integer({ min: 0, max: 99 }), (first16, c) => {
        const ctl = String(c).padStart(2, '0');
        const good = accountControl(first16);
        fc.pre(ctl !== good);
        const acc = first16 + ctl;
        expect(isValidAccount(acc)).toBe(false);
        const e = codeOf(() => assertAccount(acc));
        expect(e?.code).toBe('ACCOUNT_INVALID');
        expect(e!.message).toContain(good);
      }),
      { numRuns: 2000 },
    );
  });

  it('an account with its computed control is valid, is 1 mod 97, and its IBAN check is 35', () => {
    fc.assert(
      fc.property(digits(16), (first16) => {
        const acc = first16 + accountControl(first16);
        expect(BigInt(acc) % 97n).toBe(1n);
        expect(isValidAccount(acc)).toBe(true);
        expect(ibanOf(acc)).toBe(`RS35${acc}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('a single changed digit is always detected', () => {
    fc.assert(
      fc.property(digits(16), fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 9 }), (first16, pos, delta) => {
        const acc = first16 + accountControl(first16);
        const d = (Number(acc[pos]) + delta) % 10;
        const changed = acc.slice(0, pos) + String(d) + acc.slice(pos + 1);
        expect(isValidAccount(changed)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
