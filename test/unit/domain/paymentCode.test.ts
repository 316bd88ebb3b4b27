import { describe, expect, it } from 'vitest';
import { AppError } from '../../../domain/errors.js';
import { PAYMENT_BASES, parsePaymentCode, toCashForm } from '../../../domain/paymentCode.js';

describe('parsePaymentCode', () => {
  it.each([
    ['189', 'cash', '89', 'Transactions ordered by citizens'],
    ['289', 'non-cash', '89', 'Transactions ordered by citizens'],
    ['221', 'non-cash', '21', 'Goods and services (final consumption)'],
    ['120', 'cash', '20', 'Goods and services (intermediate consumption)'],
    ['122', 'cash', '22', 'Public enterprise services'],
    ['253', 'non-cash', '53', 'Public revenue other than withheld taxes'],
    ['254', 'non-cash', '54', 'Withheld taxes and contributions'],
    ['165', 'cash', '65', 'Cash takings deposit'],
    ['166', 'cash', '66', 'Cash withdrawal'],
    ['390', 'clearing', '90', 'Other transactions'],
    ['990', 're-posting', '90', 'Other transactions'],
  ])('%s → %s, basis %s', (code, form, basis, description) => {
    const p = parsePaymentCode(code);
    expect(p).toEqual({ code, formDigit: code[0], form, basis, basisKnown: true, basisDescription: description });
  });

  it('the basis table holds exactly the bases of DOMAIN.md', () => {
    expect(Object.keys(PAYMENT_BASES).sort()).toEqual(['20', '21', '22', '53', '54', '65', '66', '89', '90']);
  });

  it('a basis outside the table is parsed but marked unknown', () => {
    expect(parsePaymentCode('240')).toMatchObject({ form: 'non-cash', basis: '40', basisKnown: false, basisDescription: null });
  });

  it.each(['', '12', '1890', '18a', ' 8 9', '489', '089', '589', '889', '-89', '１８９'])('refuses %j', (code) => {
    let err: unknown = null;
    try {
      parsePaymentCode(code, 'SF');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'PAYMENT_CODE_INVALID', field: 'SF' });
  });

  it('the message for a bad form digit lists the forms', () => {
    expect(() => parsePaymentCode('489')).toThrow(/1 cash, 2 non-cash, 3 clearing or 9 re-posting/);
  });
});

describe('toCashForm', () => {
  it('289 → 189, changed', () => {
    expect(toCashForm('289')).toEqual({ code: '189', changed: true, from: '289' });
  });
  it('221 → 121, changed', () => {
    expect(toCashForm('221')).toEqual({ code: '121', changed: true, from: '221' });
  });
  it('189 stays 189, unchanged', () => {
    expect(toCashForm('189')).toEqual({ code: '189', changed: false, from: '189' });
  });
  it('clearing and re-posting codes also take the cash form, keeping the basis', () => {
    expect(toCashForm('353')).toEqual({ code: '153', changed: true, from: '353' });
    expect(toCashForm('990')).toEqual({ code: '190', changed: true, from: '990' });
  });
  it('refuses an invalid code', () => {
    expect(() => toCashForm('489')).toThrow(AppError);
  });
});
